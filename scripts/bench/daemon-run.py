"""Benchmark: `meterd run` polling once a second for a while: resident memory and CPU.

Run through `scripts/bench/run daemon-run` (release build). The daemon polls a simulated SDM630
(Modbus TCP on loopback, a commercial load curve), journals every reading with the default SD-card
fsync policy and closes quarter-hour slots. Memory is VmRSS from /proc, sampled every second;
CPU is the process's user + system time over the run divided by the wall time.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

from benchmarks_md import write_section

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
METERD = sys.argv[1]
SECONDS = int(os.environ.get("SECONDS_TO_RUN", "600"))
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def private_kib(pid):
    """Memory only this process holds: its anonymous and private dirty pages (shared library code
    that any other Swift program on the device would share is left out)."""
    values = {}
    for line in open(f"/proc/{pid}/smaps_rollup"):
        parts = line.split()
        if len(parts) >= 2 and parts[1].isdigit():
            values[parts[0].rstrip(":")] = int(parts[1])
    return values.get("Private_Dirty", 0)


def main():
    simulator = subprocess.Popen([sys.executable, os.path.join(ROOT, "scripts/modbus-sim"), "--load-curve", "3"],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    start = json.loads(simulator.stdout.readline())
    host, port = start["tcp"].rsplit(":", 1)
    with tempfile.TemporaryDirectory() as state:
        subprocess.run([METERD, "key", "generate", "--out", f"{state}/device.key"], check=True, stdout=subprocess.DEVNULL)
        config = f"{state}/meterd.toml"
        with open(config, "w") as file:
            file.write(f'[meterd]\nstate_directory = "{state}"\nprofile_dirs = ["{ROOT}/hardware/meters"]\nclock = "trusted"\n'
                       f'poll_interval_seconds = 1\n[buses.sim]\nkind = "modbus-tcp"\nhost = "{host}"\nport = {port}\n'
                       '[meters.main]\nbus = "sim"\nunit_id = 1\nprofile = "eastron-sdm630"\n')
        daemon = subprocess.Popen([METERD, "run", "--config", config], stderr=subprocess.DEVNULL)
        try:
            time.sleep(5)  # start-up: not part of the steady state
            began, cpu_began = time.monotonic(), cpu_seconds(daemon.pid)
            samples, private = [], []
            while time.monotonic() - began < SECONDS:
                samples.append(rss_kib(daemon.pid))
                private.append(private_kib(daemon.pid))
                time.sleep(1)
            wall = time.monotonic() - began
            cpu = cpu_seconds(daemon.pid) - cpu_began
        finally:
            daemon.send_signal(signal.SIGTERM)
            daemon.wait(timeout=30)
            simulator.terminate()
            simulator.wait()
        stats = subprocess.run([METERD, "journal", "stats", "--journal", f"{state}/journal", "--key", f"{state}/device.key"],
                               capture_output=True, text=True).stdout
    readings = next((line.split()[1] for line in stats.splitlines() if line.strip().startswith("reading:")), "?")
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} on this machine (2 cores, shared), release build; "
        f"`scripts/bench/run daemon-run` ({SECONDS} s at one poll a second; SECONDS_TO_RUN sets the length).",
        "",
        "| meterd run, one SDM630 over Modbus TCP, journal with the SD-card fsync policy | figure |",
        "|---|---|",
        f"| resident memory: median / maximum | {sorted(samples)[len(samples) // 2] / 1024:.1f} MiB / {max(samples) / 1024:.1f} MiB |",
        f"| resident memory: first / last sample | {samples[0] / 1024:.1f} MiB / {samples[-1] / 1024:.1f} MiB |",
        f"| private memory (dirty pages only this process holds): median / last | "
        f"{sorted(private)[len(private) // 2] / 1024:.1f} MiB / {private[-1] / 1024:.1f} MiB |",
        f"| CPU, user + system over the run | {cpu:.2f} s in {wall:.0f} s = {100 * cpu / wall:.2f} % of one core |",
        f"| readings journaled | {readings} |",
    ]
    print("\n".join(lines))
    return lines


if __name__ == "__main__":
    write_section("daemon-run", "## meterd run: memory and CPU\n\nTarget (issue 7): under 20 MB resident and under 1 % of one core.", main())
