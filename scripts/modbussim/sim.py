"""The simulated meters: values, faults, counters and the Modbus PDU logic (transport-free)."""

import datetime
import logging
import math
import time
from dataclasses import dataclass

from . import encoding
from .loadcurve import LoadCurve, canonical_unit_value, default_values

MAX_REGISTERS = 125
MAX_READ_COILS, MAX_WRITE_COILS = 2000, 1968
ILLEGAL_FUNCTION, ILLEGAL_ADDRESS, ILLEGAL_VALUE, DEVICE_FAILURE = 1, 2, 3, 4
GATEWAY_TARGET_FAILED = 0x0B
ABSENT = "absent"
# Quantities that scale with the site's load (the load factor); voltage, frequency and PF do not.
LOAD_QUANTITIES = ("active_power", "apparent_power", "reactive_power", "current_l")

# Coil changes are always logged (main() keeps this logger at INFO whatever -v says).
coil_log = logging.getLogger("modbussim.coil")


class CommandError(ValueError):
    pass


@dataclass
class Action:
    """What a transport does with one request."""
    reply: bytes | None = None   # response PDU (function code onwards); None = stay silent
    delay: float = 0.0           # seconds to wait before answering
    garble: str | None = None    # corrupt the frame: None, "default", "crc", "short" or "tid"


@dataclass
class Coil:
    """A load controller's coil: while on, the site's load is multiplied by factor."""
    unit: int
    address: int
    role: str                       # "shed": load × (1 - fraction); "add": load × (1 + fraction)
    fraction: float
    on: bool = False
    changed_at: float | None = None  # simulated time of the last change
    writes: int = 0                  # writes received (function 5 or 15, or the control channel)

    @property
    def factor(self):
        if not self.on:
            return 1.0
        return 1.0 - self.fraction if self.role == "shed" else 1.0 + self.fraction

    def describe(self):
        return {"unit": self.unit, "address": self.address, "role": self.role, "fraction": self.fraction,
                "on": self.on, "changed_at": self.changed_at, "writes": self.writes}


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).isoformat(timespec="milliseconds")


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
        self.load_factor = 1.0  # the site's load factor (from the coils), applied to the simulated load

    def set_load_factor(self, factor, t):
        self.load_factor = factor
        if self.curve is not None:
            self.curve.set_factor(t, factor)

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
            elif live is not None:  # the curve applies the load factor itself, energy included
                out[name] = canonical_unit_value(name, live.get(name, 0.0), q.unit)
            elif name.startswith(LOAD_QUANTITIES):
                out[name] = self.defaults[name] * self.load_factor
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
        self.coils = {}               # unit id -> {coil address: Coil}; a unit id may have no meter
        self.reset_counts()

    # ---- the load controller's coils ----------------------------------------------------------
    def add_coil(self, coil):
        if not 1 <= coil.unit <= 247:
            raise CommandError(f"coil unit {coil.unit}: expected 1..247")
        if not 0 <= coil.address <= 0xFFFF:
            raise CommandError(f"coil address {coil.address}: expected 0..65535")
        if coil.address in self.coils.get(coil.unit, {}):
            raise CommandError(f"two coils at unit {coil.unit} address {coil.address}")
        self.coils.setdefault(coil.unit, {})[coil.address] = coil
        self.counts.setdefault(str(coil.unit), {"requests": {}, "exceptions": 0, "unanswered": 0})

    def all_coils(self):
        return [c for _, coils in sorted(self.coils.items()) for _, c in sorted(coils.items())]

    def load_factor(self):
        return math.prod(c.factor for c in self.all_coils())

    def write_coils(self, changes, source):
        """Set coils [(coil, on)] at one simulated instant; the load changes from that instant on."""
        t = self.clock.now()
        changed = []
        for coil, on in changes:
            coil.writes += 1
            if coil.on != on:
                coil.on, coil.changed_at = on, t
                changed.append(coil)
            else:
                coil_log.debug("coil %d:%d (%s) written %s by %s: no change", coil.unit, coil.address,
                               coil.role, "on" if on else "off", source)
        if not changed:
            return
        factor = self.load_factor()
        for unit in self.units.values():
            unit.set_load_factor(factor, t)
        for coil in changed:
            coil_log.info("coil %d:%d (%s %g) %s by %s at %s, simulated %s: load x%.4g from now on",
                          coil.unit, coil.address, coil.role, coil.fraction, "ON" if coil.on else "OFF",
                          source, iso(time.time()), iso(t), factor)

    def coil_pdu(self, coils, pdu, transport):
        """Functions 01, 05 and 15 on a unit that has coils."""
        fn = pdu[0]
        if fn == 1:
            if len(pdu) != 5:
                return bytes([0x81, ILLEGAL_VALUE])
            address, count = int.from_bytes(pdu[1:3], "big"), int.from_bytes(pdu[3:5], "big")
            if not 1 <= count <= MAX_READ_COILS:
                return bytes([0x81, ILLEGAL_VALUE])
            if address + count > 0x10000 or any(a not in coils for a in range(address, address + count)):
                return bytes([0x81, ILLEGAL_ADDRESS])
            bits = bytearray((count + 7) // 8)
            for i in range(count):
                if coils[address + i].on:
                    bits[i // 8] |= 1 << (i % 8)
            return bytes([1, len(bits)]) + bytes(bits)
        if fn == 5:
            if len(pdu) != 5:
                return bytes([0x85, ILLEGAL_VALUE])
            address, value = int.from_bytes(pdu[1:3], "big"), int.from_bytes(pdu[3:5], "big")
            if value not in (0xFF00, 0x0000):
                return bytes([0x85, ILLEGAL_VALUE])
            if address not in coils:
                return bytes([0x85, ILLEGAL_ADDRESS])
            self.write_coils([(coils[address], value == 0xFF00)], f"{transport} function 5")
            return bytes(pdu)  # the answer echoes the request
        # function 15
        if len(pdu) < 6:
            return bytes([0x8F, ILLEGAL_VALUE])
        address, count, nbytes = int.from_bytes(pdu[1:3], "big"), int.from_bytes(pdu[3:5], "big"), pdu[5]
        if not 1 <= count <= MAX_WRITE_COILS or nbytes != (count + 7) // 8 or len(pdu) != 6 + nbytes:
            return bytes([0x8F, ILLEGAL_VALUE])
        if address + count > 0x10000 or any(a not in coils for a in range(address, address + count)):
            return bytes([0x8F, ILLEGAL_ADDRESS])
        self.write_coils([(coils[address + i], bool(pdu[6 + i // 8] >> (i % 8) & 1)) for i in range(count)],
                         f"{transport} function 15")
        return bytes(pdu[:5])

    # ---- counters -----------------------------------------------------------------------------
    def reset_counts(self):
        self.counts = {str(uid): {"requests": {}, "exceptions": 0, "unanswered": 0}
                       for uid in sorted(set(self.units) | set(self.coils))}
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
        coils = self.coils.get(uid)
        if unit is None and coils is None:
            self.unknown_unit += 1
            if transport == "rtu":
                return Action()  # a bus stays silent for addresses nobody has
            return self._finish(None, bytes([pdu[0] | 0x80 if pdu else 0x80, self.unknown_unit_exception]))
        counts = self.counts[str(uid)]
        fn = pdu[0] if pdu else 0
        counts["requests"][str(fn)] = counts["requests"].get(str(fn), 0) + 1
        if unit is not None and unit.silenced:
            counts["unanswered"] += 1
            return Action()
        if coils is not None and fn in (1, 5, 15):
            reply = self.coil_pdu(coils, pdu, transport)
        elif unit is None:  # a load controller without a meter: coils only
            reply = bytes([(fn | 0x80) & 0xFF, ILLEGAL_FUNCTION])
        else:
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
                               "mode": "load-curve" if u.curve else "static", "load_factor": u.load_factor}
        return {"powered": self.powered, "load_factor": self.load_factor(),
                "coils": [c.describe() for c in self.all_coils()], "delay_ms": self.delay_ms, "garble": self.garble,
                "drop_after": self.drop_after, "drop_every": self.drop_every,
                "strict_map": self.strict_map, "sim_time": self.clock.now(),
                "time_scale": self.clock.scale, "units": units, "counts": self.counts_report()}
