"""electro-admin against the development chain, run as an operator would run it."""

import json
import os
import subprocess
import sys
import time

import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data

from contracts.tests.devchain_proc import REPO, result, running_devchain

TOOL = str(REPO / "contracts" / "electro-admin")


@pytest.fixture(scope="module")
def chain():
    with running_devchain("--chain-id", "1337") as (info, proc):
        yield info


def admin(info, *args, key_index=0, key=None, expect=0, env_extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ELECTRO_")}
    env["ELECTRO_RPC"] = info["url"]
    if key is None and key_index is not None:
        key = info["accounts"][key_index]["private_key"]
    if key:
        env["ELECTRO_ADMIN_KEY"] = key
    env.update(env_extra or {})
    out = subprocess.run([sys.executable, TOOL, *args], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == expect, (out.stdout, out.stderr)
    return out


def write_agreement(tmp_path, info, start, **extra):
    fields = {
        "consumer": info["accounts"][5]["address"], "device": info["accounts"][6]["address"],
        "period_start": start, "slot_seconds": 900, "slots_per_period": 96, "bonus_per_period": 5000,
        "penalty_per_slot": 100, "emergency_penalty": 1000, "grace_seconds": 0, "unmeasured_allowance": 0,
    }
    fields.update(extra)
    lines = [f"{k} = {json.dumps(v)}" for k, v in fields.items()]
    lines += ["[profile]", "intervals = [" + ", ".join(f"[{100 + i}, {200 + i}]" for i in range(96)) + "]"]
    path = tmp_path / "agreement.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def deployed(chain, tmp_path_factory):
    address = json.loads(admin(chain, "--json", "deploy").stdout)["address"]
    now = int(time.time())
    path = write_agreement(tmp_path_factory.mktemp("a"), chain, now - 2 * 96 * 900)
    created = json.loads(admin(chain, "--contract", address, "--json", "propose", "--file", str(path)).stdout)
    admin(chain, "--contract", address, "accept", str(created["agreement_id"]), key_index=5)  # the consumer's key
    return address, created["agreement_id"]


def show(chain, address, agreement_id):
    return json.loads(admin(chain, "--contract", address, "--json", "show", str(agreement_id), key_index=None).stdout)


def test_deploy_create_and_show(chain, deployed):
    address, aid = deployed
    a = show(chain, address, aid)
    assert a["agreement_id"] == aid == 0
    assert (a["device"], a["consumer"]) == (chain["accounts"][6]["address"], chain["accounts"][5]["address"])
    assert (a["bonus"], a["credit"], a["next_slot"], a["last_batch_seq"]) == (5000, 0, 0, 0)
    assert (a["control_state_name"], a["profile_len"], a["owner"]) == ("connected", 96, chain["accounts"][0]["address"])
    text = admin(chain, "--contract", address, "show", str(aid), key_index=None).stdout
    assert "state connected" in text and "bonus 5000 of 5000" in text


def test_cutoff_reconnection_adjustments_and_closing(chain, deployed):
    address, aid = deployed
    c = ["--contract", address]
    admin(chain, *c, "cutoff", str(aid), "--reason", "feeder overload")
    assert show(chain, address, aid)["control_state_name"] == "disconnected"
    admin(chain, *c, "allow-reconnection", str(aid))
    assert show(chain, address, aid)["control_state_name"] == "ready_for_reconnection"
    admin(chain, *c, "adjust-bonus", str(aid), "-700", "--reason", "meter swap")
    admin(chain, *c, "adjust-credit", str(aid), "25", "--reason", "goodwill")
    a = show(chain, address, aid)
    assert (a["bonus"], a["credit"]) == (4300, 25)
    admin(chain, *c, "close-period", str(aid))  # 96 slots missing, grace 0: penalty 9600 saturates
    a = show(chain, address, aid)
    assert (a["period"], a["bonus"], a["credit"], a["next_slot"]) == (1, 5000, 25, 96)


def test_fund_sends_gas_money(chain, deployed):
    device = Account.create().address
    out = admin(chain, "--json", "fund", device, "0.25")
    assert json.loads(out.stdout)["balance_wei"] == 25 * 10**16
    assert int(result(chain["url"], "eth_getBalance", device, "latest"), 16) == 25 * 10**16


def test_pause_and_ownership_with_a_keystore(chain, deployed, tmp_path):
    address, aid = deployed
    c = ["--contract", address]
    admin(chain, *c, "pause")
    assert show(chain, address, aid)["paused"] is True
    out = admin(chain, *c, "adjust-bonus", str(aid), "1", "--reason", "x", expect=1)
    assert "the contract refused: pausable: paused" in out.stderr
    admin(chain, *c, "unpause")
    new_owner = chain["accounts"][1]
    keystore = tmp_path / "owner.json"
    keystore.write_text(json.dumps(Account.encrypt(new_owner["private_key"], "s3cret", kdf="pbkdf2", iterations=2000)))
    password = tmp_path / "password"
    password.write_text("s3cret\n")
    admin(chain, *c, "transfer-ownership", new_owner["address"])
    ks = ["--keystore", str(keystore), "--password-file", str(password)]
    admin(chain, *c, *ks, "accept-ownership", key_index=None)
    assert show(chain, address, aid)["owner"] == new_owner["address"]
    out = admin(chain, *c, "pause", expect=1)  # the old owner's key
    assert "the contract refused: ownable_2step: caller is not the owner" in out.stderr
    password.write_text("wrong\n")
    out = admin(chain, *c, *ks, "pause", key_index=None, expect=1)
    assert "wrong password" in out.stderr
    password.write_text("s3cret\n")
    admin(chain, *c, *ks, "transfer-ownership", chain["accounts"][0]["address"], key_index=None)
    admin(chain, *c, "accept-ownership")


def test_clear_errors(chain, deployed, tmp_path):
    address, aid = deployed
    c = ["--contract", address]
    out = admin(chain, "--chain-id", "1", *c, "pause", expect=1)
    assert "wrong chain id" in out.stderr and "serves chain 1337, expected 1" in out.stderr
    poor = Account.create()
    out = admin(chain, *c, "cutoff", str(aid), "--reason", "x", key=poor.key.hex(), expect=1)
    assert "the contract refused: ownable_2step: caller is not the owner" in out.stderr
    out = admin(chain, "fund", chain["accounts"][2]["address"], "1", key=poor.key.hex(), expect=1)
    assert "insufficient funds" in out.stderr and poor.address in out.stderr
    out = admin(chain, "deploy", key=poor.key.hex(), expect=1)  # gas money only
    assert "deploy: insufficient funds" in out.stderr and "needs up to" in out.stderr
    out = admin(chain, *c, "pause", key_index=None, expect=1)
    assert "no key" in out.stderr
    out = admin(chain, *c, "show", "9", key_index=None, expect=1)
    assert "agreements: unknown agreement" in out.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text('consumer = "nope"\n')
    out = admin(chain, *c, "propose", "--file", str(bad), expect=1)
    assert "bad.toml" in out.stderr
    old = write_agreement(tmp_path, chain, 0, unmeasured="excused")
    out = admin(chain, *c, "propose", "--file", str(old), expect=1)
    assert "'unmeasured' is replaced by unmeasured_allowance" in out.stderr
    out = admin(chain, *c, "accept", str(aid), "--signature", "0x1234", expect=1)
    assert "accept: a signature is 65 bytes" in out.stderr
    out = admin(chain, *c, "accept", str(aid), key_index=5, expect=1)
    assert "the contract refused: agreements: not a proposal" in out.stderr
    out = admin(chain, "--contract", "0x" + "22" * 20, "show", "0", key_index=None, expect=1)
    assert "no contract at" in out.stderr
    out = admin({"url": "http://127.0.0.1:9", "accounts": chain["accounts"]}, *c, "show", "0", expect=1)
    assert "cannot reach the JSON-RPC endpoint" in out.stderr
    for o in (out,):
        assert "Traceback" not in o.stderr


def test_example_agreement_file_is_accepted(chain, deployed):
    address, _ = deployed
    out = admin(chain, "--contract", address, "--json", "propose", "--file", str(REPO / "contracts/examples/agreement.toml"))
    aid = json.loads(out.stdout)["agreement_id"]
    a = show(chain, address, aid)
    assert (a["slots_per_period"], a["profile_len"], a["period_start"]) == (2976, 96, 1796083200)
    assert (a["unmeasured_allowance"], a["slot_tolerance"], a["device_notice_seconds"]) == (8, 0, 604800)


def test_a_consumer_without_ether_accepts_by_signature_and_list_shows_it(chain, deployed, tmp_path):
    address, _ = deployed
    c = ["--contract", address]
    consumer = Account.create()
    path = write_agreement(tmp_path, chain, int(time.time()) - 10 * 900, consumer=consumer.address)
    aid = json.loads(admin(chain, *c, "--json", "propose", "--file", str(path)).stdout)["agreement_id"]
    assert show(chain, address, aid)["status_name"] == "proposed"
    assert "proposed; consumer " + consumer.address in admin(chain, *c, "show", str(aid), key_index=None).stdout
    payload = json.loads(admin(chain, *c, "accept", str(aid), "--print-payload", key_index=None).stdout)
    assert payload["message"] == {"agreementId": aid, "termsStore": show(chain, address, aid)["terms_store"]}
    signed = Account.sign_message(encode_typed_data(full_message=payload), consumer.key)
    admin(chain, *c, "accept", str(aid), "--signature", signed.signature.hex())  # the utility's key submits it
    assert show(chain, address, aid)["status_name"] == "active"
    rows = {r["agreement_id"]: r for r in json.loads(admin(chain, *c, "--json", "list", key_index=None).stdout)}
    assert (rows[aid]["status"], rows[aid]["last_batch_age_seconds"], rows[aid]["slots_missing"]) == ("active", None, 10)
    assert rows[aid]["bonus"] == 5000
    text = admin(chain, *c, "list", key_index=None).stdout
    assert f"{aid:>4} active" in text and "never" in text


def test_a_device_change_proposed_and_accepted_by_the_consumer(chain, deployed):
    address, aid = deployed
    c = ["--contract", address]
    new_device = Account.create().address
    admin(chain, *c, "propose-device", str(aid), new_device)
    a = show(chain, address, aid)
    assert (a["pending_device"], a["device"]) == (new_device, chain["accounts"][6]["address"])
    assert "device change to " + new_device in admin(chain, *c, "show", str(aid), key_index=None).stdout
    out = admin(chain, *c, "apply-device", str(aid), expect=1)
    assert "agreements: device notice time not over" in out.stderr
    admin(chain, *c, "accept-device", str(aid), key_index=5)
    assert show(chain, address, aid)["device"] == new_device


def test_besu_network_gets_legacy_transactions_at_gas_price_zero():
    with running_devchain("--besu", "--chain-id", "2018") as (info, proc):
        owner = info["accounts"][0]["address"]
        balance = int(result(info["url"], "eth_getBalance", owner, "latest"), 16)
        address = json.loads(admin(info, "--chain-id", "2018", "--json", "deploy").stdout)["address"]
        admin(info, "--contract", address, "pause")
        block = result(info["url"], "eth_getBlockByNumber", "latest", True)
        tx = block["transactions"][0]
        assert tx["type"] == "0x0" and tx["gasPrice"] == "0x0"
        assert int(result(info["url"], "eth_getBalance", owner, "latest"), 16) == balance  # gas was free
