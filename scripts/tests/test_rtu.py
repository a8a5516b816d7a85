"""The simulator as a Modbus RTU slave on a socat pty pair: the real fixture frames, framing, CRC,
and a bus's silence for unit ids nobody serves."""

import os
import struct
import time

import pytest
from conftest import SDM120, SDM630, RtuClient, crc16, socat_pair
from test_encoding import P_FIXTURE, V_FIXTURE


def frame(hexstr):
    return bytes.fromhex(hexstr)


def with_crc(data):
    return data + crc16(data).to_bytes(2, "little")


@pytest.fixture
def rtu(start_sim, pty_pair, values_file):
    """A simulator on the pty pair with SDM630 as unit 1 and SDM120 as unit 2; yields (sim, client)."""
    sim_side, master_side = pty_pair
    path = values_file({"1": {"voltage_l1": V_FIXTURE, "active_power_l1": P_FIXTURE,
                              "import_active_energy": 4321.25},
                        "2": {"voltage_l1": 228.5}})
    sim = start_sim("--rtu", sim_side, "--unit", f"1={SDM630}", "--unit", f"2={SDM120}", "--values", path)
    client = RtuClient(master_side)
    try:
        yield sim, client
    finally:
        client.close()


def test_start_line_names_the_device_and_no_tcp(rtu, pty_pair):
    sim, _ = rtu
    assert sim.start["rtu"] == pty_pair[0]
    assert sim.start["tcp"] is None


def test_real_fixture_frames(rtu):
    _, c = rtu
    assert c.transact(frame("01 04 00 00 00 02 71 CB"), expect=9) == frame("01 04 04 43 67 AF 55 E2 10")
    assert c.transact(frame("01 04 00 0C 00 02 B1 C8"), expect=9) == frame("01 04 04 41 FA 17 7C C1 98")


def test_energy_and_second_unit(rtu):
    _, c = rtu
    reply = c.read(1, 0x0048, 2)
    assert reply[:3] == bytes([1, 4, 4]) and struct.unpack(">f", reply[3:7])[0] == 4321.25
    assert crc16(reply[:-2]) == int.from_bytes(reply[-2:], "little")
    reply = c.read(2, 0x0000, 2)
    assert reply[0] == 2 and struct.unpack(">f", reply[3:7])[0] == 228.5


def test_exception_frame(rtu):
    _, c = rtu
    assert c.transact(with_crc(frame("01 04 01 00 00 02")), expect=5) == with_crc(frame("01 84 02"))
    assert c.transact(with_crc(frame("01 04 00 00 00 7E")), expect=5) == with_crc(frame("01 84 03"))
    assert c.transact(with_crc(frame("01 03 00 00 00 02")), expect=5) == with_crc(frame("01 83 02"))


def test_unserved_unit_and_broadcast_get_silence(rtu):
    sim, c = rtu
    assert c.read(3, 0, 2, timeout=0.3) == b""
    assert c.transact(with_crc(frame("00 04 00 00 00 02")), timeout=0.3) == b""
    assert c.read(1, 0, 2)[:3] == bytes([1, 4, 4])   # the bus is still in sync
    assert sim.ctl({"cmd": "counts"})["unknown_unit"] == 1


def test_bad_crc_is_ignored_and_the_slave_resynchronises(rtu):
    _, c = rtu
    assert c.transact(frame("01 04 00 00 00 02 71 CC"), timeout=0.3) == b""
    assert c.transact(frame("FF 13 37"), timeout=0.3) == b""   # line noise, then silence
    assert c.transact(frame("01 04 00 00 00 02 71 CB"), expect=9) == frame("01 04 04 43 67 AF 55 E2 10")


def test_a_request_split_across_writes_is_one_frame(rtu):
    _, c = rtu
    c.drain()
    os.write(c.fd, frame("01 04 00"))
    time.sleep(0.001)
    assert c.transact(frame("0C 00 02 B1 C8"), expect=9) == frame("01 04 04 41 FA 17 7C C1 98")


def test_back_to_back_requests_are_cut_by_length(rtu):
    _, c = rtu
    both = frame("01 04 00 00 00 02 71 CB") + frame("01 04 00 0C 00 02 B1 C8")
    assert c.transact(both, expect=18) == frame("01 04 04 43 67 AF 55 E2 10") + frame("01 04 04 41 FA 17 7C C1 98")


def test_unknown_function_is_framed_by_silence(rtu):
    _, c = rtu
    # 0x11 report server id: its length is not known in advance, so the 3.5-character silence ends it.
    assert c.transact(with_crc(frame("01 11")), expect=5) == with_crc(frame("01 91 01"))


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_a_hung_up_pty_does_not_spin(start_sim):
    with socat_pair() as (socat, sim_side, _):
        sim = start_sim("--rtu", sim_side, "--tcp", "127.0.0.1:0")
        socat.terminate()
        socat.wait(5)
        time.sleep(0.2)
        before = cpu_seconds(sim.proc.pid)
        time.sleep(1.0)
        assert cpu_seconds(sim.proc.pid) - before < 0.2
        with sim.tcp() as c:               # and it still serves TCP
            assert c.read(1, 0, 2)
