"""Benchmark: `meterd run` polling once a second for a while: resident memory and CPU.

Run through `scripts/bench/run daemon-run` (release build). The daemon polls a simulated SDM630
(Modbus TCP on loopback, a commercial load curve), journals every reading with the default SD-card
fsync policy, and settles with the agreement contract on the local chain (py-evm over JSON-RPC):
one-minute slots, batches of four, the contract's events watched every five seconds. That is far
busier than a site (quarter-hour slots, daily batches), so the chain work shows in the figures.
meterd gets the unit's Environment= lines (MALLOC_ARENA_MAX among them).
Memory is sampled every second from /proc/PID/smaps_rollup: resident (Rss), proportional (Pss: each
shared page divided among the processes mapping it) and private (Private_Dirty: the anonymous and
written pages only meterd holds; the target), with Private_Clean beside it (pages of files only
meterd maps, mostly its own code) and the working set (pages touched in the last 60 s, from
/proc/PID/clear_refs). At the end, where the proportional memory goes, per mapped file. CPU is the
process's user + system time over the run divided by the wall time.
"""
import os
import signal
import subprocess
import sys
import tempfile
import time

import local_chain
from benchmarks_md import write_section

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
METERD = sys.argv[1]
PYTHON = sys.executable
SECONDS = int(os.environ.get("SECONDS_TO_RUN", "600"))
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def memory_kib(pid):
    """smaps_rollup's figures (kB): Rss, Pss, Private_Clean, Private_Dirty, …"""
    values = {}
    for line in open(f"/proc/{pid}/smaps_rollup"):
        parts = line.split()
        if len(parts) >= 2 and parts[1].isdigit():
            values[parts[0].rstrip(":")] = int(parts[1])
    return values


def proportional_by_mapping(pid):
    """Pss and Private_Dirty (kB) per mapped file; anonymous memory, the heap and stacks as one."""
    totals, name = {}, None
    for line in open(f"/proc/{pid}/smaps"):
        parts = line.split()
        if not parts[0].endswith(":"):
            path = parts[5] if len(parts) > 5 else ""
            name = os.path.basename(path) if path.startswith("/") else "anonymous, heap and stacks"
        elif parts[0] in ("Pss:", "Private_Dirty:"):
            entry = totals.setdefault(name, [0, 0])
            entry[0 if parts[0] == "Pss:" else 1] += int(parts[1])
    return sorted(totals.items(), key=lambda item: -item[1][0])


def working_set_kib(pid):
    """Pages the process touched since the last clear_refs."""
    return sum(int(line.split()[1]) for line in open(f"/proc/{pid}/smaps") if line.startswith("Referenced:"))


def unit_environment():
    """The Environment= lines of systemd/meterd.service: the daemon is measured as systemd starts it."""
    lines = open(os.path.join(ROOT, "systemd/meterd.service")).read().splitlines()
    return dict(line.split("=", 2)[1:] for line in lines if line.startswith("Environment="))


def set_up_chain(state, device, log):
    """The local chain (a block a second) with an agreement of one-minute slots, and meterd's [chain] section."""
    chain, rpc, contract, _ = local_chain.set_up_chain(state, device, log, block_time=1, slot=60)
    settings = (f'[chain]\nrpc_urls = ["{rpc}"]\nchain_id = 1337\nnetwork = "ethereum"\ncontract = "{contract}"\nagreement_id = 0\n'
                'confirmations = 1\nwatch_interval_seconds = 5\nbatch_slots = 4\nbatch_max_wait_seconds = 240\n')
    return chain, settings


def figure(label, samples, key):
    values = sorted(sample.get(key, 0) for sample in samples)
    return (f"| {label}: median / maximum / last | {values[len(values) // 2] / 1024:.1f} MiB / {values[-1] / 1024:.1f} MiB / "
            f"{samples[-1].get(key, 0) / 1024:.1f} MiB |")


def main():
    log = open(os.devnull, "w")
    simulator, start = local_chain.start_child([PYTHON, os.path.join(ROOT, "scripts/modbus-sim"), "--load-curve", "3"], log)
    host, port = start["tcp"].rsplit(":", 1)
    chain = None
    with tempfile.TemporaryDirectory() as state:
        subprocess.run([METERD, "key", "generate", "--out", f"{state}/device.key"], check=True, capture_output=True)
        device = subprocess.run([METERD, "key", "address", "--key", f"{state}/device.key"], check=True,
                                capture_output=True, text=True).stdout.strip()
        try:
            chain, chain_settings = set_up_chain(state, device, log)
            config = f"{state}/meterd.toml"
            with open(config, "w") as file:
                file.write(f'[meterd]\nstate_directory = "{state}"\nprofile_dirs = ["{ROOT}/hardware/meters"]\nclock = "trusted"\n'
                           f'poll_interval_seconds = 1\n[buses.sim]\nkind = "modbus-tcp"\nhost = "{host}"\nport = {port}\n'
                           '[meters.main]\nbus = "sim"\nunit_id = 1\nprofile = "eastron-sdm630"\n' + chain_settings)
            daemon = subprocess.Popen([METERD, "run", "--config", config], stderr=open(f"{state}/meterd.log", "w"),
                                      env=dict(os.environ, **unit_environment()))
            try:
                time.sleep(5)  # start-up: not part of the steady state
                began, cpu_began = time.monotonic(), cpu_seconds(daemon.pid)
                open(f"/proc/{daemon.pid}/clear_refs", "w").write("1")
                samples, working = [], []
                while time.monotonic() - began < SECONDS:
                    samples.append(memory_kib(daemon.pid))
                    if len(samples) % 60 == 0:
                        working.append(working_set_kib(daemon.pid))
                        open(f"/proc/{daemon.pid}/clear_refs", "w").write("1")
                    time.sleep(1)
                wall = time.monotonic() - began
                cpu = cpu_seconds(daemon.pid) - cpu_began
                where = proportional_by_mapping(daemon.pid)
            finally:
                daemon.send_signal(signal.SIGTERM)
                daemon.wait(timeout=30)
        finally:
            for child in (simulator, chain):
                if child:
                    child.terminate()
                    child.wait()
        stats = subprocess.run([METERD, "journal", "stats", "--journal", f"{state}/journal", "--key", f"{state}/device.key"],
                               capture_output=True, text=True).stdout
        confirmed = sum("confirmed" in line and "batch" in line for line in open(f"{state}/meterd.log"))
    readings = next((line.split()[1] for line in stats.splitlines() if line.strip().startswith("reading:")), "?")
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} on this machine (2 cores, shared), release build; "
        f"`scripts/bench/run daemon-run` ({SECONDS} s at one poll a second; SECONDS_TO_RUN sets the length).",
        "",
        "| meterd run: one SDM630 over Modbus TCP, journal with the SD-card fsync policy, settlement on the local chain | figure |",
        "|---|---|",
        figure("resident memory (Rss)", samples, "Rss"),
        figure("proportional memory (Pss)", samples, "Pss"),
        figure("private memory (Private_Dirty: anonymous and written pages only meterd holds)", samples, "Private_Dirty"),
        figure("private clean pages (files only meterd maps: its own code)", samples, "Private_Clean"),
        f"| working set (pages touched in a minute): median | {sorted(working)[len(working) // 2] / 1024:.1f} MiB |" if working else None,
        f"| CPU, user + system over the run | {cpu:.2f} s in {wall:.0f} s = {100 * cpu / wall:.2f} % of one core |",
        f"| batches confirmed on chain | {confirmed} |",
        f"| readings journaled | {readings} |",
    ]
    lines += ["", "Where the proportional memory goes at the end of the run (per mapped file):", "",
              "| mapping | Pss | private dirty |", "|---|---|---|"]
    lines += [f"| {name} | {pss / 1024:.2f} MiB | {dirty / 1024:.2f} MiB |" for name, (pss, dirty) in where if pss >= 64]
    rest = [values for _, values in where if values[0] < 64]
    lines.append(f"| {len(rest)} other mappings | {sum(v[0] for v in rest) / 1024:.2f} MiB | {sum(v[1] for v in rest) / 1024:.2f} MiB |")
    lines = [line for line in lines if line is not None]
    print("\n".join(lines))
    return lines


if __name__ == "__main__":
    write_section("daemon-run", "## meterd run: memory and CPU\n\nTarget (issue 13): private memory (Private_Dirty) at most 4 MiB during a "
                  "10-minute run against the simulator and the local chain, under 1 % of one core; resident and proportional "
                  "memory recorded with where they go (issue 7's 20 MB resident target no longer applies).", main())
