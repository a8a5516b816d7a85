"""Control commands: one JSON object per line in, one JSON object per line out.

The same commands are accepted at start (--fault '{...}') and on the control socket. Every reply has
"ok": true, or "ok": false and "error". See docs/modbus-simulator.md for the list.
"""

import asyncio
import json
import math

from . import encoding
from .sim import ABSENT, CommandError, check_value


# "default": bad CRC on RTU, short frame on TCP; "crc": bad CRC (RTU; TCP has none, so short);
# "short": the frame cut after half its PDU; "tid": wrong MBAP transaction id (TCP; RTU: bad CRC).
GARBLE_HOW = ["default", "crc", "short", "tid"]


def _int(cmd, key, default=None, minimum=0):
    value = cmd.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise CommandError(f"{key} must be an integer >= {minimum}")
    return value


def _number(cmd, key):
    value = cmd.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise CommandError(f"{key} must be a number")
    return value


def _json_safe(values):
    return {k: (v if isinstance(v, str) or math.isfinite(v) else str(v)) for k, v in values.items()}


def _coil(sim, cmd):
    """The coil a command names: by "unit" and "address", or by "role" ("shed" or "add")."""
    coils = sim.all_coils()
    if "unit" in cmd or "address" in cmd:
        found = [c for c in coils if str(c.unit) == str(cmd.get("unit")) and c.address == cmd.get("address")]
        where = f"unit {cmd.get('unit')!r} address {cmd.get('address')!r}"
    else:
        role = cmd.get("role", "shed")
        found = [c for c in coils if c.role == role]
        where = f"role {role!r}"
    if not found:
        raise CommandError(f"no coil at {where} (coils: {[(c.unit, c.address, c.role) for c in coils]})")
    return found[0]


def execute(sim, cmd, source="the control channel"):
    """Run one command (a dict) on the simulator; returns the reply dict (without "ok")."""
    if not isinstance(cmd, dict) or not isinstance(cmd.get("cmd"), str):
        raise CommandError('a command is a JSON object with "cmd"')
    name = cmd["cmd"]
    if name == "status":
        return sim.status()
    if name == "counts":
        return sim.counts_report()
    if name == "reset_counts":
        sim.reset_counts()
        return {}
    if name == "values":
        unit = sim.unit(cmd.get("unit"))
        return {"unit": unit.id, "values": _json_safe(unit.values()), "sim_time": sim.clock.now(),
                "load_factor": unit.load_factor}
    if name == "coil":
        coil = _coil(sim, cmd)
        if "on" in cmd:
            if not isinstance(cmd["on"], bool):
                raise CommandError("on must be true or false")
            sim.write_coils([(coil, cmd["on"])], source)
        return {**coil.describe(), "load_factor": sim.load_factor()}
    if name in ("set", "absent", "not_available"):
        unit = sim.unit(cmd.get("unit"))
        if name == "set":
            values = cmd.get("values")
            if values is None and "quantity" in cmd:
                values = {cmd["quantity"]: cmd.get("value")}
            if not isinstance(values, dict) or not values:
                raise CommandError('set needs "values": {quantity: value} or "quantity" and "value"')
        elif name == "absent":
            values = {cmd.get("quantity"): ABSENT}
        else:
            q = unit.quantity(cmd.get("quantity"))
            marker = cmd.get("marker", q.not_available[0] if q.not_available else "all_ones")
            if marker not in encoding.MARKERS:
                raise CommandError(f"marker must be one of {sorted(encoding.MARKERS)}")
            values = {q.name: marker}
        checked = {n: check_value(unit.quantity(n), v) for n, v in values.items()}
        unit.overrides.update(checked)
        return {"unit": unit.id, "overrides": unit.overrides}
    if name == "unset":
        unit = sim.unit(cmd.get("unit"))
        names = cmd.get("quantities")
        if names is None:
            unit.overrides.clear()
        else:
            for n in names:
                unit.quantity(n)
                unit.overrides.pop(n, None)
        return {"unit": unit.id, "overrides": unit.overrides}
    if name == "delay":
        if "unit" in cmd:
            unit = sim.unit(cmd["unit"])
            unit.delay_ms = _int(cmd, "ms")
        else:
            sim.delay_ms = _int(cmd, "ms", 0) or 0
        return {}
    if name == "silence":
        unit = sim.unit(cmd.get("unit"))
        on = cmd.get("on", True)
        if not isinstance(on, bool):
            raise CommandError("on must be true or false")
        unit.silenced = on
        return {}
    if name == "garble":
        count = _int(cmd, "count", 1)
        how = cmd.get("how", "default")
        if how not in GARBLE_HOW:
            raise CommandError(f"how must be one of {GARBLE_HOW}")
        target = sim.unit(cmd["unit"]) if "unit" in cmd else sim
        target.garble, target.garble_how = count, how
        return {}
    if name == "drop":
        after = _int(cmd, "after", 0)
        every = cmd.get("every", False)
        if not isinstance(every, bool):
            raise CommandError("every must be true or false")
        if every:
            sim.drop_every, sim.drop_after = after, None
        else:
            sim.drop_after, sim.drop_every = after, None
        return {}
    if name in ("off", "on"):
        sim.set_power(name == "on")
        return {"powered": sim.powered}
    if name == "clear":
        sim.delay_ms = 0
        sim.garble = 0
        sim.drop_after = sim.drop_every = None
        for unit in sim.units.values():
            unit.overrides.clear()
            unit.silenced = False
            unit.delay_ms = None
            unit.garble = 0
        sim.set_power(True)
        return {}
    if name == "advance":
        sim.clock.advance(_number(cmd, "seconds"))
        return {"sim_time": sim.clock.now()}
    if name == "time_scale":
        scale = _number(cmd, "scale")
        if scale < 0:
            raise CommandError("scale must be >= 0")
        sim.clock.set_scale(scale)
        return {"sim_time": sim.clock.now(), "time_scale": scale}
    raise CommandError(f"unknown command {name!r}")


def handle_line(sim, line):
    try:
        cmd = json.loads(line)
        reply = {"ok": True, **execute(sim, cmd)}
    except json.JSONDecodeError as e:
        reply = {"ok": False, "error": f"not JSON: {e}"}
    except CommandError as e:
        reply = {"ok": False, "error": str(e)}
    return json.dumps(reply)


async def serve_control(sim, host, port):
    async def client(reader, writer):
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                if not line.strip():
                    continue
                writer.write(handle_line(sim, line).encode() + b"\n")
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    return await asyncio.start_server(client, host, port, limit=1 << 20)
