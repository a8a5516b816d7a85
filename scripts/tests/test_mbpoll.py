"""Conformance with an independent master: mbpoll (Debian) reads what the simulator serves, over
TCP and over RTU through a socat pty pair."""

import re
import subprocess

import pytest
from conftest import SDM630

VALUES = {"1": {"voltage_l1": 231.5, "voltage_l2": 229.75, "voltage_l3": 230.25,
                "import_active_energy": 12345.5, "export_active_energy": 67.25}}


def mbpoll(*args):
    proc = subprocess.run(["mbpoll", "-0", "-B", "-1", "-o", "1", *map(str, args)],
                          capture_output=True, text=True, timeout=15)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return {int(a): float(v) for a, v in re.findall(r"^\[(\d+)\]:\s+(\S+)$", proc.stdout, re.M)}


def test_mbpoll_over_tcp(start_sim, values_file):
    sim = start_sim("--unit", f"1={SDM630}", "--values", values_file(VALUES))
    common = ["-m", "tcp", "-a", 1, "-t", "3:float", "-p", sim.port]
    assert mbpoll(*common, "-r", 0, "-c", 3, "127.0.0.1") == {0: 231.5, 2: 229.75, 4: 230.25}
    assert mbpoll(*common, "-r", 0x48, "-c", 2, "127.0.0.1") == {0x48: 12345.5, 0x4A: 67.25}
    counts = sim.ctl({"cmd": "counts"})
    assert counts["units"]["1"]["requests"] == {"4": 2}  # one Modbus transaction per mbpoll read


def test_mbpoll_over_rtu(start_sim, pty_pair, values_file):
    sim_side, master_side = pty_pair
    start_sim("--rtu", sim_side, "--unit", f"1={SDM630}", "--values", values_file(VALUES))
    common = ["-m", "rtu", "-b", 9600, "-P", "none", "-a", 1, "-t", "3:float"]
    assert mbpoll(*common, "-r", 0, "-c", 3, master_side) == {0: 231.5, 2: 229.75, 4: 230.25}
    assert mbpoll(*common, "-r", 0x48, "-c", 2, master_side) == {0x48: 12345.5, 0x4A: 67.25}


def test_mbpoll_sees_the_exception(start_sim):
    sim = start_sim("--unit", f"1={SDM630}")
    proc = subprocess.run(["mbpoll", "-0", "-B", "-1", "-o", "1", "-m", "tcp", "-a", "1", "-t", "3:float",
                           "-r", "256", "-c", "2", "-p", str(sim.port), "127.0.0.1"],
                          capture_output=True, text=True, timeout=15)
    assert "Illegal data address" in proc.stdout + proc.stderr


@pytest.mark.parametrize("quantity,address", [("voltage_l1", 0), ("import_active_energy", 0x48)])
def test_mbpoll_after_a_control_change(start_sim, quantity, address):
    sim = start_sim("--unit", f"1={SDM630}")
    sim.ctl({"cmd": "set", "unit": 1, "values": {quantity: 199.5}})
    got = mbpoll("-m", "tcp", "-a", 1, "-t", "3:float", "-r", address, "-c", 1, "-p", sim.port, "127.0.0.1")
    assert got == {address: 199.5}


def test_mbpoll_writes_and_reads_the_shed_coil(start_sim):
    """libmodbus, through mbpoll, as the slot guard's side: write the coil (one value: function 5,
    two: function 15), read it back (function 1), and get exception 2 at an address with no coil."""
    sim = start_sim("--unit", f"1={SDM630}", "--shed-coil", "1:4", "--add-coil", "1:5")
    common = ["-m", "tcp", "-a", 1, "-t", 0, "-p", sim.port]
    mbpoll(*common, "-r", 4, "127.0.0.1", 1)
    assert mbpoll(*common, "-r", 4, "-c", 2, "127.0.0.1") == {4: 1, 5: 0}
    mbpoll(*common, "-r", 4, "127.0.0.1", 0, 1)
    assert mbpoll(*common, "-r", 4, "-c", 2, "127.0.0.1") == {4: 0, 5: 1}
    assert sim.ctl({"cmd": "counts"})["units"]["1"]["requests"] == {"5": 1, "15": 1, "1": 2}
    proc = subprocess.run(["mbpoll", "-0", "-1", "-o", "1", *map(str, common), "-r", "3", "127.0.0.1", "1"],
                          capture_output=True, text=True, timeout=15)
    assert "Illegal data address" in proc.stdout + proc.stderr
