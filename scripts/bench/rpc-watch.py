"""Benchmark: JSON-RPC calls `meterd run` makes at the shipped [chain] defaults, counted by the recording
proxy (Tests/Peers/rpc_proxy.py --record) between meterd and the local chain.

Run through `scripts/bench/run rpc-watch`. Time is accelerated SPEEDUP times (default 100): every
interval of the defaults is divided by it (watch_interval_seconds 120 s, receipt_poll_seconds 5 s,
fee_refresh_seconds 60 s, quarter-hour slots, a batch of 96 slots a day) and the chain mines a block
every 12/SPEEDUP s, so a day of a 12-second chain takes 86,400/SPEEDUP s. Two runs:
- an idle hour: the chain mines only when a transaction comes (nothing happens), 3,600/SPEEDUP s;
- a day: blocks every 12/SPEEDUP s and the day's batch (12 confirmations, as on Ethereum).
receipt_poll_seconds cannot go below 0.1 s, so above SPEEDUP 50 the batch's confirmation polls are
fewer than at real speed; the computed day says how many real speed adds.
"""
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter

import local_chain
from benchmarks_md import write_section

ROOT = local_chain.ROOT
PYTHON = local_chain.PYTHON
METERD = sys.argv[1]
SPEEDUP = float(os.environ.get("SPEEDUP", "100"))
DEFAULTS = {"watch_interval_seconds": 120, "receipt_poll_seconds": 5, "fee_refresh_seconds": 60, "slot": 900, "day": 86_400}


def scaled(seconds, minimum=0.1):
    return max(minimum, seconds / SPEEDUP)


def recorded(path):
    with open(path) as file:
        return [line.strip() for line in file if line.strip()]


def run(block_time, seconds, log):
    """meterd against the chain through the recording proxy; the calls in the `seconds` after start-up
    (the first slot), by method, and the batches confirmed meanwhile."""
    simulator, start = local_chain.start_child([PYTHON, os.path.join(ROOT, "scripts/modbus-sim"), "--load-curve", "3"], log)
    host, port = start["tcp"].rsplit(":", 1)
    chain = proxy = daemon = None
    with tempfile.TemporaryDirectory() as state:
        try:
            subprocess.run([METERD, "key", "generate", "--out", f"{state}/device.key"], check=True, capture_output=True)
            device = subprocess.run([METERD, "key", "address", "--key", f"{state}/device.key"], check=True,
                                    capture_output=True, text=True).stdout.strip()
            slot = int(scaled(DEFAULTS["slot"], minimum=1))
            chain, rpc, contract, period_start = local_chain.set_up_chain(state, device, log, block_time, slot)
            proxy, listening = local_chain.start_child([PYTHON, os.path.join(ROOT, "Tests/Peers/rpc_proxy.py"), "--upstream", rpc,
                                                       "--record", f"{state}/calls"], log)
            open(f"{state}/calls", "w").close()
            with open(f"{state}/meterd.toml", "w") as file:
                file.write(f'[meterd]\nstate_directory = "{state}"\nprofile_dirs = ["{ROOT}/hardware/meters"]\nclock = "trusted"\n'
                           f'poll_interval_seconds = 1\nslot_length_seconds = {slot}\n[buses.sim]\nkind = "modbus-tcp"\n'
                           f'host = "{host}"\nport = {port}\n[meters.main]\nbus = "sim"\nunit_id = 1\nprofile = "eastron-sdm630"\n'
                           f'[chain]\nrpc_urls = ["{listening["url"]}"]\nchain_id = 1337\ncontract = "{contract}"\nagreement_id = 0\n'
                           f'watch_interval_seconds = {scaled(DEFAULTS["watch_interval_seconds"])}\n'
                           f'receipt_poll_seconds = {scaled(DEFAULTS["receipt_poll_seconds"])}\n'
                           f'fee_refresh_seconds = {scaled(DEFAULTS["fee_refresh_seconds"])}\n'
                           f'batch_max_wait_seconds = {scaled(DEFAULTS["day"])}\n')
            daemon = subprocess.Popen([METERD, "run", "--config", f"{state}/meterd.toml"], stderr=open(f"{state}/meterd.log", "w"))
            # Start-up (chain id, the agreement, the first watcher check from block 0) is not part of the day.
            time.sleep(max(0, period_start + slot - time.time()))
            begin = len(recorded(f"{state}/calls"))
            time.sleep(seconds)
            calls = recorded(f"{state}/calls")[begin:]
        finally:
            if daemon:
                daemon.send_signal(signal.SIGTERM)
                daemon.wait(timeout=30)
            for child in (proxy, chain, simulator):
                if child:
                    child.terminate()
                    child.wait()
        confirmed = sum("batch confirmed" in line for line in open(f"{state}/meterd.log"))
    return Counter(calls), confirmed


def table(counts):
    return ", ".join(f"{method} {count}" for method, count in counts.most_common())


def main():
    log = open(os.devnull, "w")
    hour, _ = run(None, 3600 / SPEEDUP, log)
    # The batch goes out when the day's 96th slot closes, a slot after the window opens: the window runs a
    # day and a slot, so it holds one batch and its confirmation; the day is its calls less a slot's checks.
    day, batches = run(12 / SPEEDUP, DEFAULTS["day"] / SPEEDUP + 2 * DEFAULTS["slot"] / SPEEDUP, log)
    checks_per_day = DEFAULTS["day"] / DEFAULTS["watch_interval_seconds"]
    # Every check of the day run sees new blocks: one eth_blockNumber and one eth_getLogs; the rest is the batch's.
    watcher = 2 * day["eth_getLogs"]
    batch_calls = sum(day.values()) - watcher
    per_day = watcher * DEFAULTS["day"] / (DEFAULTS["day"] + 2 * DEFAULTS["slot"]) + batch_calls
    real_speed_polls = 12 * 12 / DEFAULTS["receipt_poll_seconds"]
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} with `scripts/bench/run rpc-watch` (SPEEDUP={SPEEDUP:g}: every interval of the "
        f"defaults divided by it, a block every {12 / SPEEDUP:g} s): meterd at the shipped [chain] defaults (Ethereum, "
        "12 confirmations, `watch_interval_seconds = 120`, `receipt_poll_seconds = 5`, quarter-hour slots, 96 a batch) "
        "against the local chain through the recording proxy.",
        "",
        "| | calls | which |",
        "|---|---:|---|",
        f"| an idle hour (no new block): measured | {sum(hour.values())} | {table(hour)} |",
        f"| an idle hour: computed, 3,600 s / 120 s × 1 | 30 | eth_blockNumber |",
        f"| a day and two slots of a 12-second chain, one batch ({batches} confirmed): measured | {sum(day.values())} | {table(day)} |",
        f"| of which the batch (all but the watcher's eth_blockNumber + eth_getLogs pairs): measured | {batch_calls} | |",
        f"| a day: from the measured run (watcher calls scaled to 24 h, the batch's kept) | {per_day:.0f} | |",
        f"| a day: computed, {checks_per_day:.0f} checks × 2 + the batch at real speed (fee, send, receipt, ~{real_speed_polls:.0f} "
        f"head polls for 12 confirmations, receipt) | {checks_per_day * 2 + 4 + real_speed_polls:.0f} | |",
        "| target | 2,000 | |",
    ]
    print("\n".join(lines))
    return lines


if __name__ == "__main__":
    write_section("rpc-watch", "## RPC calls of the event watcher", main())
