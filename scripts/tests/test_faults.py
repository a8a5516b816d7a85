"""Fault injection, at start by flags and at run time through the control channel."""

import math
import socket
import struct
import time

import pytest
from conftest import SDM120, SDM630, ModbusError, RtuClient, TcpClient, crc16

FIXED = {"1": {"voltage_l1": 230.5, "import_active_energy": 1000.25}, "2": {"voltage_l1": 229.5}}


@pytest.fixture
def sim(start_sim, values_file):
    return start_sim("--unit", f"1={SDM630}", "--unit", f"2={SDM120}", "--values", values_file(FIXED))


def timed_read(client, unit=1, address=0):
    t0 = time.monotonic()
    value = client.read_float(unit, address)
    return value, time.monotonic() - t0


def test_delay_all_and_per_unit(sim):
    with sim.tcp(timeout=3) as c:
        _, fast = timed_read(c)
        sim.ctl({"cmd": "delay", "ms": 300})
        value, slow = timed_read(c)
        assert value == 230.5 and slow >= 0.3 > fast
        sim.ctl({"cmd": "delay", "ms": 0, "unit": 2})          # unit 2 overrides the server-wide delay
        assert timed_read(c, unit=2)[1] < 0.3
        sim.ctl({"cmd": "delay", "ms": 0})
        sim.ctl({"cmd": "delay", "unit": 1, "ms": 250})
        assert timed_read(c, unit=1)[1] >= 0.25
        assert timed_read(c, unit=2)[1] < 0.25


def test_late_answer_makes_the_master_time_out(sim):
    sim.ctl({"cmd": "delay", "ms": 400})
    with sim.tcp(timeout=0.15) as c:
        with pytest.raises(socket.timeout):
            c.read(1, 0, 2)
        c.sock.settimeout(2)
        # the late answer still arrives, after the master gave up on it
        tid, proto, length, unit = struct.unpack(">HHHB", c.recv_exactly(7))
        assert tid == c.tid and c.recv_exactly(length - 1)[0] == 4


def test_silence_a_unit(sim):
    sim.ctl({"cmd": "silence", "unit": 1})
    with sim.tcp(timeout=0.3) as c:
        with pytest.raises(socket.timeout):
            c.read(1, 0, 2)
    with sim.tcp() as c:
        assert c.read_float(2, 0) == 229.5                    # the other meter still answers
        sim.ctl({"cmd": "silence", "unit": 1, "on": False})
        assert c.read_float(1, 0) == 230.5
    counts = sim.ctl({"cmd": "counts"})["units"]["1"]
    assert counts["unanswered"] == 1 and counts["requests"]["4"] == 2


def test_garble_tcp_short_frames(sim):
    sim.ctl({"cmd": "garble", "count": 2})
    with sim.tcp() as c:
        for _ in range(2):
            _, _, pdu = c.request(1, struct.pack(">BHH", 4, 0, 2))
            assert pdu[0] == 4 and len(pdu) < 2 + 4          # shorter than its byte count says
        assert c.read_float(1, 0) == 230.5                  # the third answer is whole
    assert sim.ctl({"cmd": "counts"})["garbled"] == 2


def test_garble_tcp_wrong_transaction_id(sim):
    sim.ctl({"cmd": "garble", "count": 1, "how": "tid", "unit": 1})
    with sim.tcp() as c:
        tid, _, pdu = c.request(1, struct.pack(">BHH", 4, 0, 2))
        assert tid != c.tid and pdu == bytes.fromhex("0404 4366 8000")
        assert c.read_float(2, 0) == 229.5                  # unit 2 was not garbled
        assert c.read_float(1, 0) == 230.5


def test_drop_connection_after_n_requests(sim):
    sim.ctl({"cmd": "drop", "after": 2})
    with sim.tcp() as c:
        c.read(1, 0, 2)
        c.read(1, 0, 2)
        with pytest.raises(ConnectionError):
            c.read(1, 0, 2)
    with sim.tcp() as c:                                      # one-shot: a new connection serves on
        for _ in range(5):
            c.read(1, 0, 2)
    assert sim.ctl({"cmd": "counts"})["dropped"] == 1


def test_drop_every_connection(sim):
    sim.ctl({"cmd": "drop", "after": 1, "every": True})
    for _ in range(2):
        with sim.tcp() as c:
            c.read(1, 0, 2)
            with pytest.raises(ConnectionError):
                c.read(1, 0, 2)
    sim.ctl({"cmd": "clear"})
    with sim.tcp() as c:
        for _ in range(3):
            c.read(1, 0, 2)


def test_absent_quantity(sim):
    sim.ctl({"cmd": "absent", "unit": 1, "quantity": "export_active_energy"})
    with sim.tcp() as c:
        for address, count in [(0x4A, 2), (0x48, 4), (0x4B, 1)]:
            with pytest.raises(ModbusError) as e:
                c.read(1, address, count)
            assert e.value.code == 2
        assert c.read_float(1, 0x48) == 1000.25                # its neighbour is still there
        sim.ctl({"cmd": "unset", "unit": 1, "quantities": ["export_active_energy"]})
        assert c.read(1, 0x4A, 2)
    assert sim.ctl({"cmd": "counts"})["units"]["1"]["exceptions"] == 3


def test_not_available_markers(sim):
    with sim.tcp() as c:
        sim.ctl({"cmd": "not_available", "unit": 1, "quantity": "voltage_l1"})   # profile's: nan
        assert c.read(1, 0, 2) == [0x7FC0, 0x0000]
        assert math.isnan(c.read_float(1, 0))
        sim.ctl({"cmd": "not_available", "unit": 1, "quantity": "voltage_l1", "marker": "all_ones"})
        assert c.read(1, 0, 2) == [0xFFFF, 0xFFFF]
        reply = sim.ctl({"cmd": "not_available", "unit": 1, "quantity": "voltage_l1", "marker": "signed_max"},
                        ok=False)
        assert "meaningless" in reply["error"]


def test_set_energy_steps_back_and_to_zero_then_recovers(sim):
    with sim.tcp() as c:
        assert c.read_float(1, 0x48) == 1000.25
        sim.ctl({"cmd": "set", "unit": 1, "values": {"import_active_energy": 999.0}})
        assert c.read_float(1, 0x48) == 999.0
        sim.ctl({"cmd": "set", "unit": 1, "quantity": "import_active_energy", "value": 0})
        assert c.read_float(1, 0x48) == 0.0
        sim.ctl({"cmd": "unset", "unit": 1})
        assert c.read_float(1, 0x48) == 1000.25


def test_meter_off_and_back_on(sim):
    port = sim.port
    with sim.tcp() as c:
        c.read(1, 0, 2)
        sim.ctl({"cmd": "off"})
        with pytest.raises((ConnectionError, socket.timeout)):
            c.read(1, 0, 2)
    with pytest.raises(ConnectionRefusedError):
        TcpClient(port, timeout=1)
    assert sim.ctl({"cmd": "on"})["powered"] is True
    with TcpClient(port) as c:                                 # same port as before
        assert c.read_float(1, 0) == 230.5


def test_rtu_faults(start_sim, pty_pair, values_file):
    sim_side, master_side = pty_pair
    sim = start_sim("--rtu", sim_side, "--unit", f"1={SDM630}", "--values", values_file({"1": FIXED["1"]}))
    c = RtuClient(master_side)
    try:
        good = c.read(1, 0, 2)
        assert len(good) == 9 and crc16(good[:-2]) == int.from_bytes(good[-2:], "little")
        sim.ctl({"cmd": "garble", "count": 2})
        for _ in range(2):
            bad = c.read(1, 0, 2)
            assert bad[:-2] == good[:-2] and bad[-2:] != good[-2:]   # bad CRC
        assert c.read(1, 0, 2) == good
        sim.ctl({"cmd": "garble", "count": 1, "how": "short"})
        assert c.read(1, 0, 2, timeout=0.3) == good[:4]
        sim.ctl({"cmd": "silence", "unit": 1})
        assert c.read(1, 0, 2, timeout=0.3) == b""
        sim.ctl({"cmd": "silence", "unit": 1, "on": False})
        sim.ctl({"cmd": "off"})
        assert c.read(1, 0, 2, timeout=0.3) == b""
        sim.ctl({"cmd": "on"})
        sim.ctl({"cmd": "delay", "ms": 200})
        t0 = time.monotonic()
        assert c.read(1, 0, 2) == good and time.monotonic() - t0 >= 0.2
        sim.ctl({"cmd": "absent", "unit": 1, "quantity": "voltage_l1"})
        exc = c.read(1, 0, 2)
        assert exc[:3] == bytes([1, 0x84, 2])
    finally:
        c.close()


def test_faults_from_flags(start_sim, values_file):
    sim = start_sim("--unit", f"1={SDM630}", "--unit", f"2={SDM120}", "--silence", 2, "--delay", 200,
                    "--absent", "1:frequency", "--not-available", "1:voltage_l2:all_ones",
                    "--garble", 1, "--drop-after", 4,
                    "--fault", '{"cmd": "set", "unit": 1, "values": {"voltage_l1": 210}}')
    status = sim.ctl({"cmd": "status"})
    assert status["delay_ms"] == 200 and status["garble"] == 1 and status["drop_after"] == 4
    assert status["units"]["2"]["silenced"] is True
    with sim.tcp(timeout=1.5) as c:
        _, _, pdu = c.request(1, struct.pack(">BHH", 4, 0, 2))
        assert len(pdu) < 6                                          # garbled once
        value, took = timed_read(c)
        assert value == 210.0 and took >= 0.2
        assert c.read(1, 2, 2) == [0xFFFF, 0xFFFF]
        with pytest.raises(ModbusError):
            c.read(1, 0x46, 2)
        with pytest.raises(ConnectionError):                         # the 5th request: dropped
            c.read(1, 0, 2)
    with sim.tcp(timeout=0.5) as c:
        with pytest.raises(socket.timeout):
            c.read(2, 0, 2)


def test_start_off(start_sim):
    sim = start_sim("--fault", '{"cmd": "off"}')
    with pytest.raises(ConnectionRefusedError):
        TcpClient(sim.port, timeout=1)
    sim.ctl({"cmd": "on"})
    with sim.tcp() as c:
        assert c.read(1, 0, 2)


def test_clear_undoes_everything(sim):
    for cmd in [{"cmd": "delay", "ms": 500}, {"cmd": "silence", "unit": 2}, {"cmd": "garble", "count": 9},
                {"cmd": "absent", "unit": 1, "quantity": "voltage_l1"}, {"cmd": "drop", "after": 0}]:
        sim.ctl(cmd)
    sim.ctl({"cmd": "clear"})
    with sim.tcp(timeout=0.4) as c:
        assert c.read_float(1, 0) == 230.5
        assert c.read_float(2, 0) == 229.5


@pytest.mark.parametrize("cmd,error", [
    ({"cmd": "explode"}, "unknown command"),
    ({"cmd": "silence", "unit": 5}, "no unit 5"),
    ({"cmd": "set", "unit": 1, "values": {"voltage_l9": 1}}, "no quantity"),
    ({"cmd": "set", "unit": 1, "values": {"voltage_l1": "high"}}, "must be a number"),
    ({"cmd": "delay", "ms": -1}, "integer"),
    ({"cmd": "garble", "count": 1, "how": "loud"}, "how"),
    ({"cmd": "advance", "seconds": -5}, "forward"),
    ([1, 2], "JSON object"),
])
def test_control_errors(sim, cmd, error):
    assert error in sim.ctl(cmd, ok=False)["error"]


def test_control_rejects_bad_json_and_keeps_serving(sim):
    sim.ctl({"cmd": "status"})
    sim._ctl.sendall(b"{not json\n")
    assert b'"ok": false' in sim._ctl_file.readline()
    assert sim.ctl({"cmd": "values", "unit": 2})["values"]["voltage_l1"] == 229.5


def test_counts_per_unit_and_function_and_reset(sim):
    with sim.tcp() as c:
        c.read(1, 0, 2)
        c.read(1, 0, 2)
        c.read(2, 0, 2)
        with pytest.raises(ModbusError):
            c.read(1, 0, 2, function=3)
    counts = sim.ctl({"cmd": "counts"})
    assert counts["units"]["1"] == {"requests": {"4": 2, "3": 1}, "exceptions": 1, "unanswered": 0}
    assert counts["units"]["2"]["requests"] == {"4": 1}
    assert counts["total"] == 4
    sim.ctl({"cmd": "reset_counts"})
    assert sim.ctl({"cmd": "counts"})["total"] == 0
