"""Gas of the device-facing path, measured on py-evm (Prague rules) through eth-tester.

    .venv/bin/python contracts/bench_gas.py

One meter-day of 96 quarter-hour slots is submitted as 1, 4, 24 and 96 batches, every
slot checked against its interval; next to it the floor of one transaction (21,000
intrinsic gas plus its calldata at 4 gas a zero byte and 16 a nonzero byte). Two load
sizes: values below 65,536 Wh a quarter hour (two significant bytes, up to 262 kW) and
values of 100,000-400,000 Wh (three significant bytes, 0.4-1.6 MW)."""

import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from contracts.packing import pack_consumption, pack_profile  # noqa: E402
from contracts.testchain import deploy, new_chain  # noqa: E402

SLOTS = 96
HEAD = bytes(range(32))


def day(lo, hi):
    """A daily load curve between lo and hi, a tenth of the slots outside the interval."""
    values, profile = [], []
    for i in range(SLOTS):
        mid = lo + (hi - lo) * (1 - math.cos(2 * math.pi * i / SLOTS)) / 2
        profile.append((int(mid * 0.8), int(mid * 1.2)))
        values.append(int(mid * (1.3 if i % 10 == 3 else 1.03)))
    return profile, values


def calldata_gas(data):
    zero = data.count(0)
    return 4 * zero + 16 * (len(data) - zero), zero + 4 * (len(data) - zero)


def run(label, lo, hi):
    w3, tester = new_chain()
    owner, consumer, device = w3.eth.accounts[:3]
    c = deploy(w3, owner)
    profile, values = day(lo, hi)
    start = w3.eth.get_block("latest").timestamp - 30 * 86400
    rows = []
    for batches in (1, 4, 24, 96):
        snapshot = tester.take_snapshot()
        tx = c.functions.propose_agreement(consumer, device, start, 900, SLOTS * 28, pack_profile(profile),
                                           10**6, 100, 10**4, 86400, 4, 0, 86400).transact({"from": owner, "gas": 5_000_000})
        create_gas = w3.eth.get_transaction_receipt(tx).gasUsed
        aid = c.functions.agreement_count().call() - 1
        c.functions.accept_agreement(aid).transact({"from": consumer})
        size = SLOTS // batches
        used, floors, eip7623 = [], [], []
        for b in range(batches):
            chunk = values[b * size:(b + 1) * size]
            fn = c.functions.submit_batch(aid, b + 1, b * size, size, pack_consumption(chunk), HEAD)
            tx = fn.transact({"from": device, "gas": 1_000_000})
            receipt = w3.eth.get_transaction_receipt(tx)
            assert receipt.status == 1
            used.append(receipt.gasUsed)
            data = bytes(w3.eth.get_transaction(tx).input)
            gas, tokens = calldata_gas(data)
            floors.append(21000 + gas)
            eip7623.append(21000 + 10 * tokens)
        tester.revert_to_snapshot(snapshot)
        rows.append((batches, size, sum(used) / batches, max(used), sum(used), sum(floors) / batches,
                     sum(floors), max(eip7623)))
    print(f"\n### {label}\n")
    print("| batches a day | slots a batch | gas a batch (mean) | gas a batch (max) | gas a day "
          "| floor a tx (21,000 + calldata) | floor a day | gas a year (x365) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for batches, size, mean, worst, total, floor, floor_day, _ in rows:
        print(f"| {batches} | {size} | {mean:,.0f} | {worst:,} | {total:,} | {floor:,.0f} | {floor_day:,} "
              f"| {total * 365 / 1e6:,.2f} M |")
    print(f"\nEIP-7623 calldata floor of the largest batch: {max(r[7] for r in rows):,} gas (below the gas used, so it "
          f"does not apply); propose_agreement with a 96-slot profile: {create_gas:,} gas.")
    return rows


def main():
    print("Device batches, measured with eth-tester 0.14.0b1 / py-evm 0.12.1b1 (Prague rules), "
          "contract compiled by vyper 0.4.3 for london.")
    small = run("Values below 65,536 Wh a slot (sites up to 262 kW)", 20_000, 60_000)
    run("Values of 100,000-400,000 Wh a slot (0.4-1.6 MW sites)", 100_000, 400_000)
    daily = small[0][4]
    print(f"\nOne daily batch: {daily:,} gas; a year: {daily * 365 / 1e6:.1f} M gas, against about 5.4 M gas a day "
          f"(~1,970 M a year) for one storage-writing transaction per reading.")


if __name__ == "__main__":
    main()
