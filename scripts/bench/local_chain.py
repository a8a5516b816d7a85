"""The local chain with the agreement contract and an agreement naming a device, as the utility would set
them up; shared by the benchmarks that run `meterd run` against it."""
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PYTHON = sys.executable


def start_child(arguments, log):
    """Starts a peer that prints one JSON line once it is ready; returns it with that line."""
    child = subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=log, text=True, cwd=ROOT)
    return child, json.loads(child.stdout.readline())


def set_up_chain(state, device, log, block_time, slot):
    """Starts the chain (a block every `block_time` seconds; None: one per transaction), deploys the
    contract and has the consumer accept an agreement of `slot`-second slots starting at the current
    slot. Returns the chain's process, its URL, the contract's address and the period's start."""
    arguments = [PYTHON, "-m", "contracts.devchain", "--port", "0", "--chain-id", "1337"]
    if block_time is not None:
        arguments += ["--block-time", str(block_time)]
    chain, started = start_child(arguments, log)
    rpc = started["url"]
    environment = dict(os.environ, ELECTRO_ADMIN_KEY=started["accounts"][0]["private_key"], PYTHONWARNINGS="ignore")
    admin = [PYTHON, os.path.join(ROOT, "contracts/electro-admin"), "--rpc", rpc, "--chain-id", "1337"]
    deployed = subprocess.run(admin + ["--json", "deploy"], check=True, capture_output=True, text=True, env=environment, cwd=ROOT)
    contract = json.loads(deployed.stdout)["address"]
    environment["ELECTRO_CONTRACT"] = contract
    subprocess.run(admin + ["fund", device, "1"], check=True, stdout=subprocess.DEVNULL, env=environment, cwd=ROOT)
    period_start = int(time.time()) // slot * slot
    with open(f"{state}/agreement.toml", "w") as file:
        file.write(f'consumer = "{started["accounts"][1]["address"]}"\ndevice = "{device}"\nperiod_start = {period_start}\n'
                   f'slot_seconds = {slot}\nslots_per_period = 1440\nbonus_per_period = 10000\npenalty_per_slot = 10\n'
                   'emergency_penalty = 2000\ngrace_seconds = 3600\nunmeasured_allowance = 60\n[profile]\nuniform = [100, 100000]\nslots = 1\n')
    subprocess.run(admin + ["propose", "--file", f"{state}/agreement.toml"], check=True, stdout=subprocess.DEVNULL,
                   env=environment, cwd=ROOT)
    consumer = dict(environment, ELECTRO_ADMIN_KEY=started["accounts"][1]["private_key"])
    subprocess.run(admin + ["accept", "0"], check=True, stdout=subprocess.DEVNULL, env=consumer, cwd=ROOT)
    return chain, rpc, contract, period_start
