"""The simulator over Modbus TCP: start line, values, register map, exceptions, several units."""

import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
from conftest import SDM120, SDM630, SIM, ModbusError
from test_encoding import P_FIXTURE, V_FIXTURE


def test_start_line(start_sim):
    sim = start_sim("--tcp", "127.0.0.1:0", "--unit", f"1={SDM630}", "--unit", f"7={SDM120}")
    s = sim.start
    assert s["tcp"].startswith("127.0.0.1:") and sim.port > 0
    assert s["control"].startswith("127.0.0.1:")
    assert s["rtu"] is None and s["mode"] == "static" and s["pid"] == sim.proc.pid
    assert s["units"]["1"]["model"] == "SDM630" and s["units"]["7"]["model"] == "SDM120"
    assert s["units"]["7"]["phases"] == 1


def test_listens_on_loopback_by_default(start_sim):
    sim = start_sim()
    assert sim.start["tcp"].startswith("127.0.0.1:")
    assert sim.start["control"].startswith("127.0.0.1:")
    with sim.tcp() as c:
        assert c.sock.getpeername()[0] == "127.0.0.1"


def test_values_file_and_the_real_fixture_registers(start_sim, values_file):
    path = values_file({"1": {"voltage_l1": V_FIXTURE, "active_power_l1": P_FIXTURE,
                              "import_active_energy": 12345.5}})
    sim = start_sim("--unit", f"1={SDM630}", "--values", path)
    with sim.tcp() as c:
        assert c.read(1, 0x0000, 2) == [0x4367, 0xAF55]
        assert c.read(1, 0x000C, 2) == [0x41FA, 0x177C]
        assert c.read_float(1, 0x0048) == 12345.5
        # A value straddling the request boundary: only the second register of voltage_l1.
        assert c.read(1, 0x0001, 1) == [0xAF55]


def test_defaults_are_plausible(start_sim):
    sim = start_sim("--unit", f"1={SDM630}", "--unit", f"2={SDM120}")
    with sim.tcp() as c:
        for unit in (1, 2):
            assert 220 < c.read_float(unit, 0x0000) < 240
            assert c.read_float(unit, 0x0046) == 50.0
            assert c.read_float(unit, 0x0048) > 0
        v = [c.read_float(1, a) for a in (0x0, 0x6, 0xC, 0x1E)]
        assert v[2] == pytest.approx(v[0] * v[1] * v[3], rel=1e-3)  # P = V I PF


def test_block_reads_return_zero_in_gaps(start_sim, values_file):
    sim = start_sim("--values", values_file({"1": {"voltage_l1": 230.0, "frequency": 50.0}}))
    with sim.tcp() as c:
        regs = c.read(1, 0x0000, 0x36)  # Tasmota's block read
        assert regs[0:2] == [0x4366, 0x0000]
        assert regs[0x12:0x1E] == [0] * 12  # 0x0012..0x001D are not in the profile
        assert c.read(1, 0x0046, 2) == [0x4248, 0x0000]
        assert len(c.read(1, 0x0156, 16)) == 16  # 0x156..0x159 undefined, 0x15A.. defined


def test_exceptions(start_sim):
    sim = start_sim()
    with sim.tcp() as c:
        def code(address, count, function=4):
            with pytest.raises(ModbusError) as e:
                c.read(1, address, count, function)
            return e.value.code
        assert code(0x0000, 2, function=3) == 2      # SDM630 has no holding registers in its profile
        assert code(0x0100, 10) == 2                 # a range touching no defined register
        assert code(0x0000, 126) == 3                # more than 125 registers
        assert code(0x0000, 0) == 3
        assert code(0xFFFF, 2) == 2                  # runs past the address space
        assert len(c.read(1, 0x0000, 125)) == 125    # the limit itself is fine
        _, _, pdu = c.request(1, bytes([0x06, 0, 0, 0, 1]))
        assert pdu == bytes([0x86, 0x01])            # write single register: illegal function
        _, _, pdu = c.request(1, bytes([0x04, 0, 0, 0]))
        assert pdu == bytes([0x84, 0x03])            # a short request
        assert c.read(1, 0x0000, 2)                  # the connection still serves


def test_strict_map(start_sim):
    sim = start_sim("--strict-map")
    with sim.tcp() as c:
        assert len(c.read(1, 0x0000, 0x12)) == 0x12  # 0x00..0x11 all defined
        with pytest.raises(ModbusError) as e:
            c.read(1, 0x0000, 0x13)
        assert e.value.code == 2
        with pytest.raises(ModbusError):
            c.read(1, 0x0000, 0x36)


def test_unknown_unit_on_tcp_is_gateway_target_failed(start_sim):
    sim = start_sim("--unit", f"3={SDM630}")
    with sim.tcp() as c:
        with pytest.raises(ModbusError) as e:
            c.read(1, 0, 2)
        assert e.value.code == 0x0B
        assert c.read(3, 0, 2)


def test_several_meters_and_concurrent_connections(start_sim, values_file):
    path = values_file({"1": {"voltage_l1": 231.0}, "2": {"voltage_l1": 232.0}, "9": {"voltage_l1": 239.0}})
    sim = start_sim("--unit", f"1={SDM630}", "--unit", f"2={SDM120}", "--unit", f"9={SDM630}",
                    "--values", path)
    errors = []

    def poll(unit, expected):
        try:
            with sim.tcp() as c:
                for _ in range(50):
                    assert c.read_float(unit, 0) == expected
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=poll, args=(u, v))
               for u, v in [(1, 231.0), (2, 232.0), (9, 239.0)] * 3]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert not errors
    counts = sim.ctl({"cmd": "counts"})
    assert counts["units"]["1"]["requests"] == {"4": 150}
    assert counts["units"]["2"]["requests"] == {"4": 150}
    assert counts["total"] == 450


def test_sdm120_map_differs(start_sim):
    sim = start_sim("--unit", f"1={SDM120}")
    with sim.tcp() as c:
        assert c.read_float(1, 0x0012) > 0          # VA at 0x12 on the SDM120
        with pytest.raises(ModbusError):
            c.read(1, 0x0002, 2)                    # no voltage_l2


def test_mixed_encodings_end_to_end(start_sim, values_file, tmp_path):
    from test_profile import ABB_LIKE
    prof = tmp_path / "mixed.toml"
    prof.write_text(ABB_LIKE)
    path = values_file({"5": {"voltage_l1": 230.2, "active_power_total": -1234.56, "power_factor_total": -0.95,
                              "frequency": 50.01, "import_active_energy": 123456.78, "current_l1": 5.5,
                              "export_active_energy": 1.0}})
    sim = start_sim("--unit", f"5={prof}", "--values", path)
    with sim.tcp() as c:
        assert c.read(5, 0x5B00, 2, function=3) == [0x0000, 0x08FE]
        assert c.read(5, 0x5B14, 2, function=3) == [0xFFFE, 0x1DC0]          # -123456
        assert c.read(5, 0x5B3A, 1, function=3) == [0xFC4A]
        assert c.read(5, 0x5B2C, 1, function=3) == [0x1389]
        assert c.read(5, 0x5000, 4, function=3) == [0, 0, 0x00BC, 0x614E]
        assert c.read(5, 0x000C, 2, function=4) == [0x157C, 0x0000]          # 5500, low word first
        assert c.read(5, 0x0010, 4, function=4) == [0xF03F, 0, 0, 0]
        with pytest.raises(ModbusError):
            c.read(5, 0x5B00, 2, function=4)                                 # wrong table


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_clean_exit_on_signal(start_sim, sig):
    sim = start_sim()
    with sim.tcp() as c:
        c.read(1, 0, 2)
        sim.ctl({"cmd": "delay", "ms": 5000})       # an answer pending and a control connection open
        c.sock.sendall(bytes.fromhex("0009 0000 0006 01 04 0000 0002"))
        time.sleep(0.1)
        t0 = time.monotonic()
        assert sim.stop(sig) == 0
        assert time.monotonic() - t0 < 2
    assert "Traceback" not in sim.errors() and "Exception" not in sim.errors()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", sim.port), timeout=1).close()


@pytest.mark.parametrize("args,message", [
    (["--unit", "1=/nonexistent.toml"], "nonexistent"),
    (["--unit", "0=x.toml"], "ID 1..247"),
    (["--values", "{values}"], "no such unit"),
    (["--fault", '{"cmd": "absent", "unit": 1, "quantity": "voltage_l9"}'], "voltage_l9"),
])
def test_bad_start_fails_without_a_start_line(values_file, args, message):
    path = values_file({"4": {"voltage_l1": 1.0}})
    args = [a.replace("{values}", str(path)) for a in args]
    proc = subprocess.run([sys.executable, str(SIM), *args], capture_output=True, text=True, timeout=10)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert message in proc.stderr


def test_busy_port_fails(start_sim):
    sim = start_sim()
    proc = subprocess.run([sys.executable, str(SIM), "--tcp", f"127.0.0.1:{sim.port}"],
                          capture_output=True, text=True, timeout=10)
    assert proc.returncode == 2 and proc.stdout == ""


def test_values_file_markers_and_absent(start_sim, values_file):
    path = values_file({"1": {"export_active_energy": "absent", "voltage_l2": "all_ones", "voltage_l3": "nan"}})
    sim = start_sim("--values", path)
    with sim.tcp() as c:
        with pytest.raises(ModbusError) as e:
            c.read(1, 0x4A, 2)
        assert e.value.code == 2
        assert c.read(1, 2, 4) == [0xFFFF, 0xFFFF, 0x7FC0, 0x0000]


WH_PROFILE = """
[meter]
manufacturer = "Test"
model = "Wh"
phases = 3
[defaults]
function = "holding"
type = "float32"
word_order = "big"
byte_order = "big"
[quantities]
import_active_energy = { address = 0x10, unit = "Wh" }
export_active_energy = { address = 0x12, unit = "kWh" }
"""


def test_energy_defaults_follow_the_profile_unit(start_sim, tmp_path, values_file):
    prof = tmp_path / "wh.toml"
    prof.write_text(WH_PROFILE)
    sim = start_sim("--unit", f"1={prof}", "--unit", f"2={SDM630}",
                    "--values", values_file({"1": {"export_active_energy": 2.5}}))
    with sim.tcp() as c:
        wh = c.read_float(1, 0x10, function=3)
        kwh = c.read_float(2, 0x48)
        assert wh == pytest.approx(kwh * 1000)
        assert c.read_float(1, 0x12, function=3) == 2.5     # the values file is in the profile's unit
