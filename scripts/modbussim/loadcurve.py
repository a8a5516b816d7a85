"""Deterministic load curve of a commercial site, and plausible static defaults.

Power per phase is piecewise linear between knots every KNOT seconds of simulated time; the value at
a knot is a daily profile (office hours, lunch dip, low nights and weekends) times a per-phase share
times (1 + noise), the noise drawn from the seed. Because the power is piecewise linear, its integral
(the import energy) is computed exactly by the trapezoid rule, so energy and power always agree and
the energy is monotone. Voltage, frequency and power factor wander around 230 V, 50 Hz and 0.95 in
the same way. Energies are in kWh here; the simulator converts to each profile's unit.

A load factor (a site shedding or adding load when a controller's coil is written) multiplies the
power from the simulated instant it is set: the factor is piecewise constant in time, the energy
integrates each piece with its own factor, so a change never rewrites energy already counted.
"""

import bisect
import datetime
import math
import random
import zlib

MASK64 = (1 << 64) - 1

KNOT = 60.0  # seconds of simulated time between knots

# Weekday profile of the site's total active power in kW by hour of day (linear in between).
WEEKDAY_KW = [(0, 3.0), (5, 3.0), (6, 4.5), (7, 8.0), (8, 14.0), (9, 17.0), (11, 18.0), (12, 15.5),
              (13, 17.0), (16, 17.0), (17, 14.0), (18, 9.0), (19, 6.0), (21, 4.0), (24, 3.0)]
NIGHT_KW = 3.0


def daily_kw(t):
    """Site total kW at POSIX time t (UTC is taken as the site's local time)."""
    d = datetime.datetime.fromtimestamp(t, datetime.timezone.utc)
    h = d.hour + d.minute / 60 + d.second / 3600
    for (h0, p0), (h1, p1) in zip(WEEKDAY_KW, WEEKDAY_KW[1:]):
        if h0 <= h <= h1:
            kw = p0 + (p1 - p0) * (h - h0) / (h1 - h0)
            break
    if d.weekday() >= 5:  # weekend: a quarter of the working load on top of the base
        kw = NIGHT_KW + (kw - NIGHT_KW) * 0.25
    return kw


def canonical_unit_value(name, value, unit):
    """Convert a value in canonical units (W, kWh, ...) to the unit a profile declares."""
    if unit == "Wh" and "energy" in name:
        return value * 1000.0
    return value


class LoadCurve:
    def __init__(self, seed, phases=3, start=0.0):
        self.seed = int(seed)
        self.phases = phases
        rng = random.Random(f"meterd-load-curve:{self.seed}")
        self.size = rng.uniform(0.8, 1.2)
        shares = [rng.uniform(0.9, 1.1) for _ in range(3)]
        total = sum(shares)
        self.shares = [s / total for s in shares]
        if phases == 1:  # a single-phase meter sits on one circuit of the site
            self.shares = [0.3, 0.0, 0.0]
        self.e0 = [rng.uniform(3000.0, 6000.0) for _ in range(3)]
        self.export_e0 = rng.uniform(0.0, 50.0)
        self.start = float(start)
        self._cache = {}
        self._acc_t = self.start
        self._acc_e = [0.0, 0.0, 0.0]
        # The load factor as a step function: factor _factors[i] from _factor_t[i] on.
        self._factor_t = [self.start]
        self._factors = [1.0]

    def set_factor(self, t, factor):
        """Multiply the power by `factor` from simulated time t on (t no earlier than the last change)."""
        if t < self._factor_t[-1]:
            raise ValueError("the load factor changes only forward in time")
        if t < self._acc_t:  # energy was counted past t with the old factor: count it again
            self._acc_t, self._acc_e = self.start, [0.0, 0.0, 0.0]
        if t == self._factor_t[-1]:
            self._factors[-1] = float(factor)
        else:
            self._factor_t.append(t)
            self._factors.append(float(factor))

    def factor(self, t):
        """The load factor in force at simulated time t."""
        return self._factors[max(bisect.bisect_right(self._factor_t, t) - 1, 0)]

    def _noise(self, channel, k):
        """Deterministic noise in [-1, 1) for (seed, channel, knot): splitmix64 of the three."""
        x = (self.seed * 0x9E3779B97F4A7C15 + zlib.crc32(channel.encode()) * 0xBF58476D1CE4E5B9
             + k * 0x94D049BB133111EB) & MASK64
        x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK64
        x ^= x >> 31
        return (x >> 11) / float(1 << 52) - 1.0

    def _knot_power(self, phase, k):
        share = self.shares[phase]
        if share == 0.0:
            return 0.0
        key = ("P", phase, k)
        p = self._cache.get(key)
        if p is None:
            if len(self._cache) > 100000:  # a long demo at a high time scale: keep memory bounded
                self._cache.clear()
            p = daily_kw(k * KNOT) * 1000.0 * self.size * share * (1.0 + 0.08 * self._noise(f"p{phase}", k))
            self._cache[key] = p
        return p

    def _wander(self, channel, t, centre, spread):
        k = math.floor(t / KNOT)
        f = t / KNOT - k
        a, b = self._noise(channel, k), self._noise(channel, k + 1)
        return centre + spread * (a + (b - a) * f)

    def base_power(self, phase, t):
        """Active power of a phase (0..2) in W at simulated time t, before the load factor."""
        k = math.floor(t / KNOT)
        f = t / KNOT - k
        a, b = self._knot_power(phase, k), self._knot_power(phase, k + 1)
        return a + (b - a) * f

    def power(self, phase, t):
        """Active power of a phase (0..2) in W at simulated time t."""
        return self.base_power(phase, t) * self.factor(t)

    def _base_integral(self, phase, t0, t1):
        """Exact integral of base_power(phase) over [t0, t1] in W*s (t0 <= t1)."""
        total = 0.0
        t = t0
        while t < t1:
            k = math.floor(t / KNOT)
            seg_end = min((k + 1) * KNOT, t1)
            if t == k * KNOT and seg_end == (k + 1) * KNOT:  # a whole segment: knot to knot
                total += (self._knot_power(phase, k) + self._knot_power(phase, k + 1)) / 2 * KNOT
            else:
                total += (self.base_power(phase, t) + self.base_power(phase, seg_end)) / 2 * (seg_end - t)
            t = seg_end
        return total

    def _integral(self, phase, t0, t1):
        """Exact integral of power(phase) over [t0, t1] in W*s (t0 <= t1): each piece of the load
        factor's step function with its own factor."""
        total = 0.0
        i = max(bisect.bisect_right(self._factor_t, t0) - 1, 0)
        t = t0
        while t < t1:
            end = self._factor_t[i + 1] if i + 1 < len(self._factor_t) else t1
            end = min(end, t1)
            if end > t:
                total += self._factors[i] * self._base_integral(phase, t, end)
            t = end
            i += 1
        return total

    def import_energy(self, phase, t):
        """Cumulative import energy of a phase in kWh at simulated time t (>= start)."""
        if t < self._acc_t:
            self._acc_t, self._acc_e = self.start, [0.0, 0.0, 0.0]
        if t > self._acc_t:
            for p in range(3):
                self._acc_e[p] += self._integral(p, self._acc_t, t)
            self._acc_t = t
        return self.e0[phase] + self._acc_e[phase] / 3.6e6

    def values(self, t):
        """Every known quantity in canonical units at simulated time t."""
        v = {}
        p_tot = s_tot = q_tot = 0.0
        for i in range(3):
            n = i + 1
            if i >= self.phases:
                break
            volts = self._wander(f"v{i}", t, 230.0, 2.5)
            pf = min(0.99, self._wander(f"pf{i}", t, 0.95, 0.02))
            p = self.power(i, t)
            s = p / pf
            q = math.sqrt(max(s * s - p * p, 0.0))
            v[f"voltage_l{n}"] = volts
            v[f"current_l{n}"] = s / volts
            v[f"active_power_l{n}"] = p
            v[f"power_factor_l{n}"] = pf
            v[f"import_active_energy_l{n}"] = self.import_energy(i, t)
            v[f"export_active_energy_l{n}"] = self.export_e0 / self.phases
            p_tot, s_tot, q_tot = p_tot + p, s_tot + s, q_tot + q
        v["active_power_total"] = p_tot
        v["apparent_power_total"] = s_tot
        v["reactive_power_total"] = q_tot
        v["power_factor_total"] = p_tot / s_tot if s_tot else 1.0
        v["frequency"] = self._wander("f", t, 50.0, 0.03)
        v["import_active_energy"] = sum(v[f"import_active_energy_l{i + 1}"] for i in range(self.phases))
        v["export_active_energy"] = self.export_e0
        v["temperature"] = self._wander("temp", t, 35.0, 3.0)
        v["dc_voltage"] = 0.0
        v["dc_current"] = 0.0
        return v


def default_values(phases):
    """Plausible fixed readings (canonical units) for a meter with that many phases."""
    v = {}
    volts = [230.1, 229.4, 231.2]
    amps = [5.2, 4.8, 6.1]
    pfs = [0.95, 0.94, 0.96]
    imports = [1234.5, 1100.25, 1300.75]
    exports = [12.5, 10.0, 11.25]
    p_tot = s_tot = 0.0
    for i in range(phases):
        n = i + 1
        s = volts[i] * amps[i]
        p = s * pfs[i]
        v[f"voltage_l{n}"] = volts[i]
        v[f"current_l{n}"] = amps[i]
        v[f"active_power_l{n}"] = round(p, 2)
        v[f"power_factor_l{n}"] = pfs[i]
        v[f"import_active_energy_l{n}"] = imports[i]
        v[f"export_active_energy_l{n}"] = exports[i]
        p_tot += round(p, 2)
        s_tot += s
    v["active_power_total"] = round(p_tot, 2)
    v["apparent_power_total"] = round(s_tot, 2)
    v["reactive_power_total"] = round(math.sqrt(max(s_tot ** 2 - p_tot ** 2, 0.0)), 2)
    v["power_factor_total"] = round(p_tot / s_tot, 3)
    v["frequency"] = 50.0
    v["import_active_energy"] = sum(imports[:phases])
    v["export_active_energy"] = sum(exports[:phases])
    v["temperature"] = 25.0
    v["dc_voltage"] = 0.0
    v["dc_current"] = 0.0
    return v
