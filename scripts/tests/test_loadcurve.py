"""The load curve: plausible, deterministic, and its import energy is the integral of its power."""

import datetime
import struct
import time

import pytest
from conftest import SDM120, SDM630

from modbussim.loadcurve import LoadCurve

# Wednesday 2026-11-25 00:00 UTC; the weekend starts on the 28th.
MIDNIGHT = datetime.datetime(2026, 11, 25, tzinfo=datetime.timezone.utc).timestamp()
HOUR = 3600.0


def integral_by_sampling(curve, phase, t0, t1, step=1.0):
    """Midpoint rule with a fine step: an integration independent of the curve's own."""
    n = round((t1 - t0) / step)
    return sum(curve.power(phase, t0 + (i + 0.5) * step) for i in range(n)) * step


def test_energy_is_the_integral_of_power():
    curve = LoadCurve(7, 3, start=MIDNIGHT)
    t0, t1 = MIDNIGHT + 7.5 * HOUR + 13, MIDNIGHT + 9.5 * HOUR + 13   # across the morning ramp
    for phase in range(3):
        e0, e1 = curve.import_energy(phase, t0), curve.import_energy(phase, t1)
        expected_kwh = integral_by_sampling(curve, phase, t0, t1) / 3.6e6
        assert e1 - e0 == pytest.approx(expected_kwh, rel=1e-6)
        assert 5 < e1 - e0 < 20   # two hours of a few kW per phase


def test_energy_is_monotone_and_totals_add_up():
    curve = LoadCurve(3, 3, start=MIDNIGHT)
    last = None
    for i in range(0, 48 * 60, 7):
        v = curve.values(MIDNIGHT + i * 60.0)
        if last is not None:
            assert v["import_active_energy"] >= last
        last = v["import_active_energy"]
        assert v["import_active_energy"] == pytest.approx(sum(v[f"import_active_energy_l{n}"] for n in (1, 2, 3)))
        assert v["active_power_total"] == pytest.approx(sum(v[f"active_power_l{n}"] for n in (1, 2, 3)))


def test_deterministic_from_the_seed():
    t = MIDNIGHT + 10 * HOUR + 17.3
    a, b, c = (LoadCurve(s, 3, start=MIDNIGHT).values(t) for s in (42, 42, 43))
    assert a == b
    assert a["active_power_l1"] != c["active_power_l1"]


def test_plausible_values_and_daily_shape():
    curve = LoadCurve(11, 3, start=MIDNIGHT)
    week = [curve.values(MIDNIGHT + i * 600.0) for i in range(7 * 144)]
    for v in week:
        for n in (1, 2, 3):
            assert 225 <= v[f"voltage_l{n}"] <= 235
            assert 0.9 <= v[f"power_factor_l{n}"] <= 0.99
            assert v[f"current_l{n}"] == pytest.approx(v[f"active_power_l{n}"] / v[f"voltage_l{n}"]
                                                       / v[f"power_factor_l{n}"])
        assert 49.9 <= v["frequency"] <= 50.1
        assert 0 < v["active_power_total"] < 30000
        assert v["apparent_power_total"] > v["active_power_total"]
    def at(day, hour):
        return curve.values(MIDNIGHT + day * 86400 + hour * HOUR)["active_power_total"]
    assert at(0, 11) > 3 * at(0, 3)          # a working day's late morning against the night
    assert at(3, 11) < 0.5 * at(0, 11)       # Saturday
    assert at(0, 12) < at(0, 11)             # the lunch dip


def test_single_phase_meter_curve():
    v = LoadCurve(5, 1, start=MIDNIGHT).values(MIDNIGHT + 10 * HOUR)
    assert "voltage_l2" not in v
    assert v["active_power_total"] == v["active_power_l1"] > 0
    assert v["import_active_energy"] == v["import_active_energy_l1"]


def f32(regs):
    return struct.unpack(">f", struct.pack(">HH", *regs))[0]


def test_served_energy_agrees_with_served_power(start_sim):
    """Over TCP, with time frozen and advanced minute by minute: the energy served grows by the
    trapezoid of the powers served (exact for the piecewise linear curve, up to float32)."""
    sim = start_sim("--unit", f"1={SDM630}", "--load-curve", 42, "--time-scale", 0,
                    "--sim-start", "2026-11-25T08:00:00Z")
    assert sim.start["mode"] == "load-curve"
    with sim.tcp() as c:
        def sample():
            block = c.read(1, 0x0000, 0x36)
            energy = [f32(c.read(1, a, 2)) for a in (0x015A, 0x015C, 0x015E)]
            return [f32(block[a:a + 2]) for a in (0x0C, 0x0E, 0x10)], energy, f32(c.read(1, 0x48, 2))
        powers, energies, total = sample()
        e_start, total_start = energies, total
        integral = [0.0, 0.0, 0.0]
        for _ in range(60):
            sim.ctl({"cmd": "advance", "seconds": 60})
            new_powers, energies, new_total = sample()
            assert new_total >= total
            total = new_total
            for p in range(3):
                integral[p] += (powers[p] + new_powers[p]) / 2 * 60 / 3.6e6
            powers = new_powers
    for p in range(3):
        assert energies[p] - e_start[p] == pytest.approx(integral[p], abs=0.005)   # float32 at ~5000 kWh
    assert total - total_start == pytest.approx(sum(integral), abs=0.01)
    assert sum(integral) > 10  # 08:00-09:00 on a weekday: the morning ramp


def test_energy_runs_with_wall_time_scaled(start_sim):
    sim = start_sim("--unit", f"1={SDM120}", "--load-curve", 9, "--time-scale", 3600,
                    "--sim-start", "2026-11-25T10:00:00Z")
    first = sim.ctl({"cmd": "values", "unit": 1})
    energies = []
    with sim.tcp() as c:
        for _ in range(20):
            energies.append(f32(c.read(1, 0x48, 2)))
            time.sleep(0.05)
    last = sim.ctl({"cmd": "values", "unit": 1})
    assert energies == sorted(energies) and energies[-1] > energies[0]
    hours = (last["sim_time"] - first["sim_time"]) / HOUR
    assert 0.9 < hours < 3                     # about a second of wall time at 3600x
    delta = last["values"]["import_active_energy"] - first["values"]["import_active_energy"]
    powers_kw = [first["values"]["active_power_total"] / 1000, last["values"]["active_power_total"] / 1000]
    assert 0.7 * min(powers_kw) * hours < delta < 1.3 * max(powers_kw) * hours


def test_overrides_on_top_of_the_curve_do_not_disturb_the_energy(start_sim, values_file):
    sim = start_sim("--unit", f"1={SDM630}", "--load-curve", 1, "--time-scale", 0,
                    "--sim-start", "1795600000", "--values", values_file({"1": {"voltage_l1": 240.0}}))
    with sim.tcp() as c:
        assert f32(c.read(1, 0, 2)) == 240.0                       # pinned by the values file
        assert 225 < f32(c.read(1, 2, 2)) < 235                    # the curve
        before = sim.ctl({"cmd": "values", "unit": 1})["values"]
        sim.ctl({"cmd": "set", "unit": 1, "values": {"import_active_energy": 0}})   # spurious zero
        sim.ctl({"cmd": "advance", "seconds": 60})
        assert f32(c.read(1, 0x48, 2)) == 0.0
        sim.ctl({"cmd": "unset", "unit": 1, "quantities": ["import_active_energy"]})
        after = sim.ctl({"cmd": "values", "unit": 1})["values"]
    p_kw = (before["active_power_total"] + after["active_power_total"]) / 2000
    assert after["import_active_energy"] - before["import_active_energy"] == pytest.approx(p_kw / 60, rel=0.01)


def test_load_factor_scales_power_from_its_instant_and_keeps_energy_continuous():
    curve = LoadCurve(7, 3, start=MIDNIGHT)
    plain = LoadCurve(7, 3, start=MIDNIGHT)
    t_set, t_clear, t_end = MIDNIGHT + 10 * HOUR + 17.3, MIDNIGHT + 10.5 * HOUR + 41.9, MIDNIGHT + 11 * HOUR
    e_before = curve.values(t_set)["import_active_energy"]
    curve.set_factor(t_set, 0.7)
    at_set = curve.values(t_set)
    assert at_set["import_active_energy"] == e_before                # nothing counted is rewritten
    assert at_set["active_power_total"] == pytest.approx(0.7 * plain.values(t_set)["active_power_total"])
    curve.set_factor(t_clear, 1.0)
    for phase in range(3):
        shed = integral_by_sampling(plain, phase, t_set, t_clear, step=0.1)
        full = integral_by_sampling(plain, phase, t_clear, t_end, step=0.1)
        e = curve.import_energy(phase, t_end) - curve.import_energy(phase, MIDNIGHT + 10 * HOUR)
        e_plain = plain.import_energy(phase, t_end) - plain.import_energy(phase, MIDNIGHT + 10 * HOUR)
        assert e_plain - e == pytest.approx(0.3 * shed / 3.6e6, rel=1e-6)
        assert curve.import_energy(phase, t_end) - curve.import_energy(phase, t_clear) \
            == pytest.approx(full / 3.6e6, rel=1e-6)
    assert curve.values(t_end)["active_power_total"] == plain.values(t_end)["active_power_total"]


def test_load_factor_energy_is_the_same_however_it_is_queried():
    """Energy queried step by step, or integrated again from the start, agrees across factor changes."""
    stepped = LoadCurve(3, 3, start=MIDNIGHT)
    changes = [(MIDNIGHT + 8 * HOUR + 5, 0.5), (MIDNIGHT + 8 * HOUR + 1000.5, 1.25), (MIDNIGHT + 9 * HOUR, 1.0)]
    t, last = MIDNIGHT + 7 * HOUR, 0.0
    for when, factor in changes:
        while t < when:
            e = stepped.values(t)["import_active_energy"]
            assert e >= last
            last, t = e, t + 37
        stepped.set_factor(when, factor)
    once = LoadCurve(3, 3, start=MIDNIGHT)
    for when, factor in changes:
        once.set_factor(when, factor)
    end = MIDNIGHT + 10 * HOUR
    assert stepped.values(end)["import_active_energy"] == pytest.approx(once.values(end)["import_active_energy"],
                                                                        rel=1e-12)
    with pytest.raises(ValueError):
        once.set_factor(MIDNIGHT + 8 * HOUR, 0.5)    # only forward
