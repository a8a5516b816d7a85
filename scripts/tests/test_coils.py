"""The load controller: a coil that sheds (or adds) load, written and read by a real Modbus master."""

import struct
import subprocess
import sys
import time

import pytest
from conftest import SDM120, SDM630, SIM, ModbusError, crc16

START = "2026-11-25T10:00:00Z"        # a Wednesday morning: about 17 kW
P_TOTAL, ENERGY, CURRENT_L1 = 0x0034, 0x0048, 0x0006


def f32(regs):
    return struct.unpack(">f", struct.pack(">HH", *regs))[0]


def write_coil(c, unit, address, on):
    pdu = struct.pack(">BHH", 5, address, 0xFF00 if on else 0x0000)
    _, _, reply = c.request(unit, pdu)
    if reply[0] & 0x80:
        raise ModbusError(reply[1])
    assert reply == pdu                                   # function 5 echoes the request
    return reply


def write_coils(c, unit, address, bits):
    data = bytearray((len(bits) + 7) // 8)
    for i, bit in enumerate(bits):
        data[i // 8] |= bool(bit) << (i % 8)
    _, _, reply = c.request(unit, struct.pack(">BHHB", 15, address, len(bits), len(data)) + bytes(data))
    if reply[0] & 0x80:
        raise ModbusError(reply[1])
    assert reply == struct.pack(">BHH", 15, address, len(bits))
    return reply


def read_coils(c, unit, address, count):
    _, _, reply = c.request(unit, struct.pack(">BHH", 1, address, count))
    if reply[0] & 0x80:
        raise ModbusError(reply[1])
    assert reply[0] == 1 and reply[1] == (count + 7) // 8 == len(reply) - 2, reply.hex()
    return [reply[2 + i // 8] >> (i % 8) & 1 for i in range(count)]


def exception(c, unit, pdu):
    _, _, reply = c.request(unit, pdu)
    assert len(reply) == 2 and reply[0] == pdu[0] | 0x80, reply.hex()
    return reply[1]


def curve_sim(start_sim, *extra):
    return start_sim("--unit", f"1={SDM630}", "--load-curve", 42, "--time-scale", 0, "--sim-start", START, *extra)


def test_shed_coil_lowers_power_and_energy_rate_and_clearing_restores_them(start_sim):
    """Two simulators on the same curve, time frozen and advanced in step; one sheds 30 % for half an hour."""
    sim = curve_sim(start_sim, "--shed-coil", "1:0", "--shed-fraction", 0.3)
    ref = curve_sim(start_sim)
    assert sim.start["coils"] == [{"unit": 1, "address": 0, "role": "shed", "fraction": 0.3}]
    with sim.tcp() as c, ref.tcp() as r:
        def both(address):
            return f32(c.read(1, address, 2)), f32(r.read(1, address, 2))

        def advance(seconds):
            for s in (sim, ref):
                s.ctl({"cmd": "advance", "seconds": seconds})

        p, p_ref = both(P_TOTAL)
        e_set, e_ref_set = both(ENERGY)
        assert p == p_ref > 10000 and e_set == e_ref_set
        assert read_coils(c, 1, 0, 1) == [0]

        write_coil(c, 1, 0, True)
        assert read_coils(c, 1, 0, 1) == [1]
        p, p_ref = both(P_TOTAL)
        assert p == pytest.approx(0.7 * p_ref, rel=1e-6)                  # the load drops at once
        i, i_ref = both(CURRENT_L1)
        assert i == pytest.approx(0.7 * i_ref, rel=1e-6)
        assert f32(c.read(1, ENERGY, 2)) == e_set                          # nothing counted is rewritten

        energies = [e_set]
        for _ in range(30):                                                # half an hour, minute by minute
            advance(60)
            p, p_ref = both(P_TOTAL)
            assert p == pytest.approx(0.7 * p_ref, rel=1e-6)
            energies.append(f32(c.read(1, ENERGY, 2)))
        e_clear, e_ref_clear = both(ENERGY)
        assert energies == sorted(energies) and e_clear > e_set            # still counting, monotone
        assert e_clear - e_set == pytest.approx(0.7 * (e_ref_clear - e_ref_set), abs=0.01)
        assert 5 < e_ref_clear - e_ref_set < 10                            # ~17 kW for half an hour

        write_coil(c, 1, 0, False)
        assert read_coils(c, 1, 0, 1) == [0]
        p, p_ref = both(P_TOTAL)
        assert p == p_ref                                                  # clearing restores the load
        assert f32(c.read(1, ENERGY, 2)) == e_clear                        # continuous across the clear

        advance(1800)
        e_end, e_ref_end = both(ENERGY)
        assert e_end - e_clear == pytest.approx(e_ref_end - e_ref_clear, abs=0.01)   # the full rate again
        # Over the hour the shed site used 30 % of the shed half hour's energy less, no more, no less.
        assert e_ref_end - e_end == pytest.approx(0.3 * (e_ref_clear - e_ref_set), abs=0.01)


def test_energy_stays_monotone_across_set_and_clear_with_time_running(start_sim):
    sim = start_sim("--unit", f"1={SDM120}", "--load-curve", 9, "--time-scale", 3600, "--sim-start", START,
                    "--shed-coil", "1:0", "--shed-fraction", 0.5)
    energies = []
    with sim.tcp() as c:
        for n in range(60):
            if n % 15 == 7:
                write_coil(c, 1, 0, n % 30 == 7)                           # on, off, on, off
            energies.append(f32(c.read(1, ENERGY, 2)))
            time.sleep(0.01)
    assert energies == sorted(energies) and energies[-1] > energies[0]
    status = sim.ctl({"cmd": "status"})
    assert status["coils"][0]["writes"] == 4 and status["coils"][0]["on"] is False


def test_write_multiple_read_back_and_the_add_coil(start_sim, values_file):
    sim = start_sim("--unit", f"1={SDM630}", "--shed-coil", "1:0x10", "--add-coil", "1:0x11",
                    "--add-fraction", 0.5, "--values", values_file({"1": {"active_power_l1": 1000.0}}))
    with sim.tcp() as c:
        p0 = f32(c.read(1, P_TOTAL, 2))                     # static defaults
        assert read_coils(c, 1, 0x10, 2) == [0, 0]
        write_coils(c, 1, 0x10, [1, 0])
        assert read_coils(c, 1, 0x10, 2) == [1, 0]
        assert f32(c.read(1, P_TOTAL, 2)) == pytest.approx(0.7 * p0, rel=1e-6)
        assert f32(c.read(1, 0x000C, 2)) == 1000.0          # a value fixed by the values file stays fixed
        write_coils(c, 1, 0x10, [0, 1])
        assert read_coils(c, 1, 0x10, 2) == [0, 1]
        assert f32(c.read(1, P_TOTAL, 2)) == pytest.approx(1.5 * p0, rel=1e-6)
        write_coils(c, 1, 0x11, [1])
        write_coil(c, 1, 0x10, True)
        assert read_coils(c, 1, 0x10, 2) == [1, 1]
        assert f32(c.read(1, P_TOTAL, 2)) == pytest.approx(0.7 * 1.5 * p0, rel=1e-6)
        assert read_coils(c, 1, 0x11, 1) == [1]
        values = sim.ctl({"cmd": "values", "unit": 1})
        assert values["load_factor"] == pytest.approx(1.05)
        write_coils(c, 1, 0x10, [0, 0])
        assert f32(c.read(1, P_TOTAL, 2)) == p0
    status = sim.ctl({"cmd": "status"})
    assert status["load_factor"] == 1.0 and status["units"]["1"]["load_factor"] == 1.0
    assert [(k["address"], k["role"], k["fraction"], k["on"]) for k in status["coils"]] == \
        [(0x10, "shed", 0.3, False), (0x11, "add", 0.5, False)]
    assert status["counts"]["units"]["1"]["requests"]["15"] == 4


def test_exceptions_as_a_controller_gives_them(start_sim):
    sim = start_sim("--unit", f"1={SDM630}", "--unit", f"2={SDM120}", "--shed-coil", "1:5")
    with sim.tcp() as c:
        for address in (0, 4, 6, 0xFFFF):
            with pytest.raises(ModbusError) as e:
                write_coil(c, 1, address, True)
            assert e.value.code == 2                                        # illegal data address
            with pytest.raises(ModbusError) as e:
                read_coils(c, 1, address, 1)
            assert e.value.code == 2
        with pytest.raises(ModbusError) as e:
            read_coils(c, 1, 5, 2)                                          # runs past the only coil
        assert e.value.code == 2
        with pytest.raises(ModbusError) as e:
            write_coils(c, 1, 4, [1, 1])
        assert e.value.code == 2
        assert exception(c, 1, struct.pack(">BHH", 5, 5, 0x1234)) == 3      # neither 0xFF00 nor 0
        assert exception(c, 1, struct.pack(">BHH", 1, 5, 0)) == 3           # count 0
        assert exception(c, 1, struct.pack(">BHH", 1, 5, 2001)) == 3
        assert exception(c, 1, struct.pack(">BHHB", 15, 5, 1, 2) + b"\x01\x00") == 3   # byte count
        assert exception(c, 1, struct.pack(">BHH", 15, 5, 1)) == 3          # no byte count
        assert exception(c, 2, struct.pack(">BHH", 5, 5, 0xFF00)) == 1      # a meter without coils
        assert exception(c, 1, struct.pack(">BHH", 6, 5, 1)) == 1           # still no register writes
        assert read_coils(c, 1, 5, 1) == [0]                                # none of that set it
        assert c.read(1, 0, 2)                                              # the meter still serves
    assert sim.ctl({"cmd": "status"})["load_factor"] == 1.0
    assert sim.ctl({"cmd": "counts"})["units"]["1"]["exceptions"] == 16


def test_a_controller_unit_of_its_own(start_sim):
    """The coil on a unit id no meter has: a load controller that answers coils only; every meter sheds."""
    sim = start_sim("--unit", f"1={SDM630}", "--unit", f"2={SDM120}", "--shed-coil", "10:0x100",
                    "--shed-fraction", 0.25)
    with sim.tcp() as c:
        before = [f32(c.read(u, a, 2)) for u, a in ((1, P_TOTAL), (2, 0x000C))]
        write_coil(c, 10, 0x100, True)
        assert read_coils(c, 10, 0x100, 1) == [1]
        after = [f32(c.read(u, a, 2)) for u, a in ((1, P_TOTAL), (2, 0x000C))]
        assert after == pytest.approx([0.75 * p for p in before], rel=1e-6)
        with pytest.raises(ModbusError) as e:
            c.read(10, 0, 2)
        assert e.value.code == 1                                            # no registers on it
        with pytest.raises(ModbusError) as e:
            c.read(11, 0, 2)
        assert e.value.code == 0x0B                                         # still nobody at 11
        with pytest.raises(ModbusError) as e:
            write_coil(c, 1, 0x100, True)                                   # the meters have no coil
        assert e.value.code == 1
    assert sim.ctl({"cmd": "counts"})["units"]["10"]["requests"] == {"5": 1, "1": 1, "4": 1}


def test_coil_changes_are_logged_without_verbose(start_sim):
    sim = curve_sim(start_sim, "--shed-coil", "1:0")
    with sim.tcp() as c:
        write_coil(c, 1, 0, True)
        write_coil(c, 1, 0, True)                                           # no change: not logged
        sim.ctl({"cmd": "advance", "seconds": 90})
        write_coils(c, 1, 0, [0])
    sim.stop()
    lines = [line for line in sim.errors().splitlines() if "coil" in line]
    assert len(lines) == 2, lines
    assert "coil 1:0 (shed 0.3) ON by tcp function 5" in lines[0]
    assert "simulated 2026-11-25T10:00:00.000+00:00" in lines[0] and "load x0.7 " in lines[0]
    assert "OFF by tcp function 15" in lines[1] and "simulated 2026-11-25T10:01:30.000+00:00" in lines[1]
    assert "load x1 " in lines[1]


def test_control_channel_sets_and_reports_the_coil_and_clear_leaves_it(start_sim):
    sim = curve_sim(start_sim, "--shed-coil", "3:7")
    reply = sim.ctl({"cmd": "coil", "role": "shed", "on": True})
    assert reply["on"] is True and reply["load_factor"] == pytest.approx(0.7)
    assert reply["changed_at"] == pytest.approx(1795600800)  # 2026-11-25T10:00Z
    with sim.tcp() as c:
        assert read_coils(c, 3, 7, 1) == [1]
        sim.ctl({"cmd": "clear"})                              # faults, not the site's state
        assert read_coils(c, 3, 7, 1) == [1]
        assert sim.ctl({"cmd": "coil", "unit": 3, "address": 7, "on": False})["on"] is False
        assert read_coils(c, 3, 7, 1) == [0]
    assert sim.ctl({"cmd": "coil", "unit": 3, "address": 8}, ok=False)["error"].startswith("no coil")
    assert sim.ctl({"cmd": "coil", "role": "add"}, ok=False)
    assert sim.ctl({"cmd": "coil", "on": 1}, ok=False)["error"] == "on must be true or false"


def test_coil_over_rtu(start_sim, pty_pair):
    from conftest import RtuClient
    a, b = pty_pair
    sim = start_sim("--rtu", a, "--unit", f"1={SDM630}", "--shed-coil", "1:0", "--add-coil", "1:1")
    master = RtuClient(b)
    try:
        def transact(pdu, expect):
            frame = bytes([1]) + pdu
            reply = master.transact(frame + crc16(frame).to_bytes(2, "little"), expect=expect)
            assert reply[:-2] and crc16(reply[:-2]).to_bytes(2, "little") == reply[-2:], reply.hex()
            return reply[1:-2]
        assert transact(struct.pack(">BHH", 5, 0, 0xFF00), 8) == struct.pack(">BHH", 5, 0, 0xFF00)
        assert transact(struct.pack(">BHHBB", 15, 0, 2, 1, 0b10), 8) == struct.pack(">BHH", 15, 0, 2)
        assert transact(struct.pack(">BHH", 1, 0, 2), 6) == bytes([1, 1, 0b10])
        assert transact(struct.pack(">BHH", 5, 2, 0xFF00), 5) == bytes([0x85, 2])
    finally:
        master.close()
    assert [c["on"] for c in sim.ctl({"cmd": "status"})["coils"]] == [False, True]


@pytest.mark.parametrize("args,message", [
    (["--shed-coil", "1:0", "--shed-fraction", "1.5"], "0 < F <= 1"),
    (["--shed-coil", "1:0", "--shed-fraction", "0"], "0 < F <= 1"),
    (["--add-coil", "1:0", "--add-fraction", "-0.1"], "0 < F <= 10"),
    (["--shed-coil", "one"], "UNIT[:ADDRESS]"),
    (["--shed-coil", "1:0x10000"], "0..65535"),
    (["--shed-coil", "0:0"], "1..247"),
    (["--shed-fraction", "0.2"], "--shed-fraction needs --shed-coil"),
    (["--shed-coil", "1:3", "--add-coil", "1:3"], "two coils"),
])
def test_bad_coil_options(args, message):
    proc = subprocess.run([sys.executable, str(SIM), *args], capture_output=True, text=True, timeout=10)
    assert proc.returncode == 2 and proc.stdout == ""
    assert message in proc.stderr
