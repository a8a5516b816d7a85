"""Benchmark: one full SDM630 poll by `meterd read` against `mbpoll` reading the same registers.

Run through scripts/bench (it builds a release meterd first). Both tools run as one-shot processes
against the project's Modbus simulator on loopback, alternating, so drift in machine load hits both
alike. mbpoll reads one contiguous range per run, so its poll is two runs, one per block. Transactions
are counted by the simulator. Then the same poll over Modbus RTU through a socat pty pair, next to the
wire time the frames and inter-frame gaps would take at 9600 baud 8N1.
"""
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

from benchmarks_md import write_section

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
METERD = sys.argv[1]
ROUNDS = int(os.environ.get("ROUNDS", "40"))
PROFILE = os.path.join(ROOT, "hardware/meters/eastron-sdm630.toml")


def start_simulator(*extra):
    process = subprocess.Popen([sys.executable, os.path.join(ROOT, "scripts/modbus-sim"), "--unit", f"1={PROFILE}", *extra],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return process, json.loads(process.stdout.readline())


def control(start, command):
    host, port = start["control"].rsplit(":", 1)
    with socket.create_connection((host, int(port))) as connection:
        connection.sendall((json.dumps(command) + "\n").encode())
        return json.loads(connection.makefile().readline())


def transactions(start):
    return control(start, {"cmd": "counts"})["total"]


def timed(command):
    began = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - began


def config(folder, bus):
    path = os.path.join(folder, "meterd.toml")
    with open(path, "w") as file:
        file.write(f'[meterd]\nprofile_dirs = ["{os.path.join(ROOT, "hardware/meters")}"]\n{bus}\n'
                   '[meters.main]\nbus = "b"\nunit_id = 1\nprofile = "eastron-sdm630"\n')
    return path


def tcp_round_trip(folder):
    simulator, start = start_simulator()
    try:
        host, port = start["tcp"].rsplit(":", 1)
        path = config(folder, f'[buses.b]\nkind = "modbus-tcp"\nhost = "{host}"\nport = {port}')
        meterd = [METERD, "read", "--config", path]
        # The two blocks meterd's plan reads: 0x0000 x 76 and 0x015A x 12 registers (38 and 6 floats).
        mbpoll = [["mbpoll", "-m", "tcp", "-a", "1", "-r", str(first), "-c", str(count), "-t", "3:float", "-0", "-B", "-1",
                   "-p", port, host] for first, count in ((0, 38), (0x15A, 6))]
        times = {"meterd": [], "mbpoll": [], "mbpoll_one_run": []}
        counts = {"meterd": [], "mbpoll": []}
        timed(meterd)  # warm the page cache
        for _ in range(ROUNDS):
            control(start, {"cmd": "reset_counts"})
            times["meterd"].append(timed(meterd))
            counts["meterd"].append(transactions(start))
            control(start, {"cmd": "reset_counts"})
            runs = [timed(command) for command in mbpoll]
            times["mbpoll"].append(sum(runs))
            times["mbpoll_one_run"].append(runs[0])
            counts["mbpoll"].append(transactions(start))
        return times, counts
    finally:
        simulator.terminate()
        simulator.wait()


def rtu_poll(folder):
    socat = subprocess.Popen(["socat", f"pty,raw,echo=0,link={folder}/meter", f"pty,raw,echo=0,link={folder}/master"],
                             stderr=subprocess.DEVNULL)
    while not (os.path.exists(f"{folder}/meter") and os.path.exists(f"{folder}/master")):
        time.sleep(0.02)
    simulator, start = start_simulator("--rtu", f"{folder}/meter", "--baud", "9600")
    try:
        path = config(folder, f'[buses.b]\nkind = "modbus-rtu"\ndevice = "{folder}/master"\nbaud = 9600')
        samples = [timed([METERD, "read", "--config", path]) for _ in range(ROUNDS // 2)]
        control(start, {"cmd": "reset_counts"})
        timed([METERD, "read", "--config", path])
        return samples, transactions(start)
    finally:
        simulator.terminate()
        simulator.wait()
        socat.kill()


def wire_time_ms(blocks, baud=9600, bits_per_character=10):
    """Request (8 bytes) and response (5 + 2 per register) of each block, each followed by 3.5 characters of silence."""
    characters = sum(8 + 5 + 2 * count + 2 * 3.5 for count in blocks)
    return characters * bits_per_character / baud * 1000


def main():
    with tempfile.TemporaryDirectory() as folder:
        times, counts = tcp_round_trip(folder)
        rtu_samples, rtu_transactions = rtu_poll(folder)
    meterd_ms = statistics.median(times["meterd"]) * 1000
    mbpoll_ms = statistics.median(times["mbpoll"]) * 1000
    wire = wire_time_ms([76, 12])
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} on this machine (2 cores), {ROUNDS} alternating rounds, medians; "
        "`scripts/bench/run modbus-poll`.",
        "",
        "| one full SDM630 poll over Modbus TCP (loopback simulator) | meterd read | mbpoll (one run per block) |",
        "|---|---|---|",
        f"| Modbus transactions per poll | {statistics.mode(counts['meterd'])} | {statistics.mode(counts['mbpoll'])} |",
        f"| wall time per poll, whole process | {meterd_ms:.1f} ms | {mbpoll_ms:.1f} ms |",
        f"| ratio meterd / mbpoll | {meterd_ms / mbpoll_ms:.2f} | |",
        f"| for scale: one mbpoll run (the first block alone) | | {statistics.median(times['mbpoll_one_run']) * 1000:.1f} ms |",
        "",
        "The register layout allows no fewer than 2 transactions: 0x0000-0x004B (76 registers) and "
        "0x015A-0x0165 (12) are 270 registers apart, more than one 125-register read spans.",
        "",
        "| one full SDM630 poll over Modbus RTU, 9600 baud 8N1 | time |",
        "|---|---|",
        f"| computed wire time: 2 requests, 2 answers (157 + 29 bytes), 3.5-character gaps | {wire:.1f} ms |",
        f"| measured over a socat pty (no baud rate, no turnaround), `meterd read` process | "
        f"{statistics.median(rtu_samples) * 1000:.1f} ms ({rtu_transactions} transactions) |",
        "",
        "On a real 9600-baud line one poll of an SDM630 occupies the bus for the wire time above, so one "
        "RS-485 line polls at most about four SDM630s once a second.",
    ]
    print("\n".join(lines))
    return lines


if __name__ == "__main__":
    write_section("modbus-poll", "## Modbus poll (meterd read against mbpoll)", main())
