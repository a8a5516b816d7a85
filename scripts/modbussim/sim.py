"""The simulated meters: values, faults, counters and the Modbus PDU logic (transport-free)."""

import math
import time
from dataclasses import dataclass

from . import encoding
from .loadcurve import LoadCurve, canonical_unit_value, default_values

MAX_REGISTERS = 125
ILLEGAL_FUNCTION, ILLEGAL_ADDRESS, ILLEGAL_VALUE, DEVICE_FAILURE = 1, 2, 3, 4
GATEWAY_TARGET_FAILED = 0x0B
ABSENT = "absent"


class CommandError(ValueError):
    pass


@dataclass
class Action:
    """What a transport does with one request."""
    reply: bytes | None = None   # response PDU (function code onwards); None = stay silent
    delay: float = 0.0           # seconds to wait before answering
    garble: str | None = None    # corrupt the frame: None, "default", "crc", "short" or "tid"


class Clock:
    """Simulated time: starts at `start` (POSIX seconds) and runs `scale` times wall time."""

    def __init__(self, start=None, scale=1.0):
        self.base_sim = time.time() if start is None else float(start)
        self.base_wall = time.monotonic()
        self.scale = float(scale)

    def now(self):
        return self.base_sim + (time.monotonic() - self.base_wall) * self.scale

    def set_scale(self, scale):
        self.base_sim, self.base_wall = self.now(), time.monotonic()
        self.scale = float(scale)

    def advance(self, seconds):
        if seconds < 0:
            raise CommandError("time only runs forward (energy is monotone)")
        self.base_sim += seconds


def check_value(quantity, value):
    """Validate a value for a quantity; returns it normalised. Numbers, "absent" or a marker."""
    if isinstance(value, bool):
        raise CommandError(f"{quantity.name}: {value!r} is not a number")
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise CommandError(f"{quantity.name}: use the marker \"nan\" rather than a non-finite number")
        try:
            quantity.encode(value)
        except encoding.EncodingError as e:
            raise CommandError(f"{quantity.name}: {e}") from e
        return float(value)
    if value == ABSENT:
        return value
    if value in encoding.MARKERS:
        try:
            quantity.encode_marker(value)
        except encoding.EncodingError as e:
            raise CommandError(f"{quantity.name}: {e}") from e
        return value
    raise CommandError(f"{quantity.name}: value must be a number, 'absent' or one of "
                       f"{sorted(encoding.MARKERS)}, not {value!r}")


class Unit:
    def __init__(self, uid, profile, values=None, curve_seed=None, clock=None):
        self.id = uid
        self.profile = profile
        self.clock = clock
        self.curve = None
        if curve_seed is not None:
            self.curve = LoadCurve(curve_seed * 1000 + uid, profile.phases, start=clock.now())
        defaults = default_values(profile.phases)
        self.defaults = {q.name: canonical_unit_value(q.name, defaults.get(q.name, 0.0), q.unit)
                         for q in profile.quantities.values()}
        self.pinned = {}      # from the values file, in the profile's units
        for name, value in (values or {}).items():
            self.pinned[name] = check_value(self.quantity(name), value)
        self.overrides = {}   # set at run time: name -> number | "absent" | marker
        self.silenced = False
        self.delay_ms = None  # None: the server-wide delay applies
        self.garble = 0
        self.garble_how = "default"

    def quantity(self, name):
        q = self.profile.quantities.get(name)
        if q is None:
            raise CommandError(f"unit {self.id} ({self.profile.model}) has no quantity {name!r}")
        return q

    def values(self):
        """Every quantity as served now (numbers, or "absent"/marker strings)."""
        live = self.curve.values(self.clock.now()) if self.curve is not None else None
        out = {}
        for name, q in self.profile.quantities.items():
            if name in self.overrides:
                out[name] = self.overrides[name]
            elif name in self.pinned:
                out[name] = self.pinned[name]
            elif live is not None:
                out[name] = canonical_unit_value(name, live.get(name, 0.0), q.unit)
            else:
                out[name] = self.defaults[name]
        return out

    def registers(self, name, value):
        q = self.profile.quantities[name]
        if isinstance(value, str):
            return q.encode_marker(value)
        return q.encode(value)


class Simulator:
    def __init__(self, units, strict_map=False, clock=None):
        self.units = {u.id: u for u in units}
        self.strict_map = strict_map
        self.unknown_unit_exception = GATEWAY_TARGET_FAILED  # what TCP answers for a unit id with no meter
        self.clock = clock or Clock()
        self.delay_ms = 0
        self.garble = 0
        self.garble_how = "default"
        self.drop_after = None        # one-shot: drop the connection carrying request N+1
        self.drop_every = None        # each TCP connection is dropped at its request N+1
        self.powered = True
        self.on_power = []            # callbacks(powered) for transports (TCP closes its listener)
        self.reset_counts()

    # ---- counters -----------------------------------------------------------------------------
    def reset_counts(self):
        self.counts = {str(uid): {"requests": {}, "exceptions": 0, "unanswered": 0}
                       for uid in self.units}
        self.unknown_unit = 0
        self.dropped = 0
        self.garbled = 0
        self.connections = 0          # TCP connections accepted

    def counts_report(self):
        total = sum(sum(c["requests"].values()) for c in self.counts.values())
        return {"units": self.counts, "total": total, "unknown_unit": self.unknown_unit,
                "dropped": self.dropped, "garbled": self.garbled, "connections": self.connections}

    # ---- the Modbus logic ---------------------------------------------------------------------
    def tcp_should_drop(self, requests_on_connection):
        """Called for every TCP request before it is processed; True = close the connection."""
        if self.drop_every is not None and requests_on_connection > self.drop_every:
            self.dropped += 1
            return True
        if self.drop_after is not None:
            if self.drop_after <= 0:
                self.drop_after = None
                self.dropped += 1
                return True
            self.drop_after -= 1
        return False

    def process(self, uid, pdu, transport):
        """Decide the answer to one request PDU for unit uid; transport is "tcp" or "rtu"."""
        if not self.powered:
            return Action()
        unit = self.units.get(uid)
        if unit is None:
            self.unknown_unit += 1
            if transport == "rtu":
                return Action()  # a bus stays silent for addresses nobody has
            return self._finish(None, bytes([pdu[0] | 0x80 if pdu else 0x80, self.unknown_unit_exception]))
        counts = self.counts[str(uid)]
        fn = pdu[0] if pdu else 0
        counts["requests"][str(fn)] = counts["requests"].get(str(fn), 0) + 1
        if unit.silenced:
            counts["unanswered"] += 1
            return Action()
        reply = self.read_pdu(unit, pdu)
        if reply[0] & 0x80:
            counts["exceptions"] += 1
        return self._finish(unit, reply)

    def _finish(self, unit, reply):
        delay_ms = self.delay_ms
        if unit is not None and unit.delay_ms is not None:
            delay_ms = unit.delay_ms
        garble = None
        if unit is not None and unit.garble > 0:
            unit.garble -= 1
            garble = unit.garble_how
        elif self.garble > 0:
            self.garble -= 1
            garble = self.garble_how
        if garble:
            self.garbled += 1
        return Action(reply=reply, delay=delay_ms / 1000.0, garble=garble)

    def read_pdu(self, unit, pdu):
        fn = pdu[0] if pdu else 0
        if fn not in (3, 4):
            return bytes([(fn | 0x80) & 0xFF, ILLEGAL_FUNCTION])
        if len(pdu) != 5:
            return bytes([fn | 0x80, ILLEGAL_VALUE])
        address = int.from_bytes(pdu[1:3], "big")
        count = int.from_bytes(pdu[3:5], "big")
        if not 1 <= count <= MAX_REGISTERS:
            return bytes([fn | 0x80, ILLEGAL_VALUE])
        if address + count > 0x10000:
            return bytes([fn | 0x80, ILLEGAL_ADDRESS])
        table = unit.profile.tables[fn]
        touched = {}
        for a in range(address, address + count):
            entry = table.get(a)
            if entry is None:
                if self.strict_map:
                    return bytes([fn | 0x80, ILLEGAL_ADDRESS])
                continue
            touched.setdefault(entry[0], None)
        if not touched:
            return bytes([fn | 0x80, ILLEGAL_ADDRESS])
        snapshot = unit.values()  # every quantity of one answer at the same instant
        for name in touched:
            value = snapshot[name]
            if value == ABSENT:
                return bytes([fn | 0x80, ILLEGAL_ADDRESS])
            try:
                touched[name] = unit.registers(name, value)
            except encoding.EncodingError:
                return bytes([fn | 0x80, DEVICE_FAILURE])
        data = bytearray()
        for a in range(address, address + count):
            entry = table.get(a)
            reg = touched[entry[0]][entry[1]] if entry else 0
            data += reg.to_bytes(2, "big")
        return bytes([fn, len(data)]) + bytes(data)

    # ---- control ------------------------------------------------------------------------------
    def unit(self, uid):
        try:
            uid = int(uid)
        except (TypeError, ValueError):
            raise CommandError(f"bad unit {uid!r}") from None
        if uid not in self.units:
            raise CommandError(f"no unit {uid} (units: {sorted(self.units)})")
        return self.units[uid]

    def set_power(self, on):
        if self.powered != on:
            self.powered = on
            for callback in self.on_power:
                callback(on)

    def status(self):
        units = {}
        for uid, u in sorted(self.units.items()):
            vals = {k: (v if isinstance(v, str) or math.isfinite(v) else str(v))
                    for k, v in u.values().items()}
            units[str(uid)] = {**u.profile.describe(), "silenced": u.silenced, "delay_ms": u.delay_ms,
                               "garble": u.garble, "overrides": u.overrides, "values": vals,
                               "mode": "load-curve" if u.curve else "static"}
        return {"powered": self.powered, "delay_ms": self.delay_ms, "garble": self.garble,
                "drop_after": self.drop_after, "drop_every": self.drop_every,
                "strict_map": self.strict_map, "sim_time": self.clock.now(),
                "time_scale": self.clock.scale, "units": units, "counts": self.counts_report()}
