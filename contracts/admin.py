"""electro-admin: the utility's operator tool for the agreement contract.

Every command talks to one JSON-RPC URL (--rpc, or ELECTRO_RPC) and one contract
(--contract, or ELECTRO_CONTRACT). Transactions are signed locally with the key from a
V3 keystore (--keystore FILE, password from --password-file or a prompt) or from the
environment variable ELECTRO_ADMIN_KEY. Failures end in one line naming the problem.
"""

import argparse
import datetime as dt
import getpass
import json
import os
import sys
import tomllib
from decimal import Decimal, InvalidOperation
from pathlib import Path

from eth_account import Account
from web3 import Web3
from web3.exceptions import ContractLogicError, TimeExhausted, Web3RPCError

from contracts.compile import load
from contracts.consent import split_signature, typed_acceptance
from contracts.packing import pack_profile

STATES = {0: "disconnected", 1: "connected", 2: "ready_for_reconnection"}
STATUSES = {0: "proposed", 1: "active", 2: "final_period", 3: "ended"}


class AdminError(Exception):
    pass


# ---------------------------------------------------------------- connection and keys


def connect(args):
    w3 = Web3(Web3.HTTPProvider(args.rpc, request_kwargs={"timeout": 30}))
    try:
        chain_id = w3.eth.chain_id
    except Exception as e:  # noqa: BLE001 - any transport failure
        raise AdminError(f"cannot reach the JSON-RPC endpoint {args.rpc}: {e}") from None
    if args.chain_id is not None and chain_id != args.chain_id:
        raise AdminError(f"wrong chain id: {args.rpc} serves chain {chain_id}, expected {args.chain_id}")
    return w3


def load_key(args):
    if args.keystore:
        try:
            keystore = json.loads(Path(args.keystore).read_text())
        except (OSError, ValueError) as e:
            raise AdminError(f"cannot read keystore {args.keystore}: {e}") from None
        if args.password_file:
            try:
                password = Path(args.password_file).read_text().rstrip("\n")
            except OSError as e:
                raise AdminError(f"cannot read password file {args.password_file}: {e}") from None
        else:
            password = getpass.getpass(f"password for {args.keystore}: ")
        try:
            return Account.from_key(Account.decrypt(keystore, password))
        except ValueError:
            raise AdminError(f"wrong password for keystore {args.keystore}") from None
    key = os.environ.get("ELECTRO_ADMIN_KEY")
    if key:
        try:
            return Account.from_key(key.strip())
        except (ValueError, TypeError):
            raise AdminError("ELECTRO_ADMIN_KEY is not a 32-byte hex private key") from None
    raise AdminError("no key: pass --keystore FILE (with --password-file or a prompt) or set ELECTRO_ADMIN_KEY")


def contract(w3, args):
    address = args.contract or os.environ.get("ELECTRO_CONTRACT")
    if not address:
        raise AdminError("no contract: pass --contract ADDRESS or set ELECTRO_CONTRACT")
    if not Web3.is_address(address):
        raise AdminError(f"not an address: {address}")
    address = Web3.to_checksum_address(address)
    if w3.eth.get_code(address) in (b"", None):
        raise AdminError(f"no contract at {address} on chain {w3.eth.chain_id}")
    return w3.eth.contract(address=address, abi=load()["abi"])


def address_arg(value):
    if not Web3.is_address(value):
        raise argparse.ArgumentTypeError(f"not an address: {value}")
    return Web3.to_checksum_address(value)


def reason_of(error):
    text = str(error.args[0] if error.args else error)
    return text.removeprefix("execution reverted: ")


# ---------------------------------------------------------------- transactions


def send(w3, account, tx, what):
    """Fills fees, gas and nonce, checks funds, signs, sends and waits for the receipt."""
    tx = dict(tx)
    tx["from"] = account.address
    tx.setdefault("value", 0)
    tx["chainId"] = w3.eth.chain_id
    latest = w3.eth.get_block("latest")
    base_fee = latest.get("baseFeePerGas")
    if base_fee:  # London fees
        tip = w3.eth.max_priority_fee
        tx["maxPriorityFeePerGas"] = tip
        tx["maxFeePerGas"] = 2 * base_fee + tip
        price = tx["maxFeePerGas"]
    else:  # no base fee (a pre-London or zero-base-fee network such as Besu): legacy
        tx["gasPrice"] = price = w3.eth.gas_price
    balance = w3.eth.get_balance(account.address)
    if balance < tx["value"]:
        raise AdminError(
            f"{what}: insufficient funds: {account.address} holds {Web3.from_wei(balance, 'ether')} ETH, "
            f"sends {Web3.from_wei(tx['value'], 'ether')} ETH")
    try:
        estimate = w3.eth.estimate_gas({k: v for k, v in tx.items() if k in ("from", "to", "data", "value")})
    except ContractLogicError as e:
        raise AdminError(f"{what}: the contract refused: {reason_of(e)}") from None
    except Web3RPCError as e:
        raise AdminError(f"{what}: {e}") from None
    tx["gas"] = estimate * 6 // 5
    tx["nonce"] = w3.eth.get_transaction_count(account.address, "pending")
    cost = tx["gas"] * price + tx["value"]
    if balance < cost:
        raise AdminError(
            f"{what}: insufficient funds: {account.address} holds {Web3.from_wei(balance, 'ether')} ETH, "
            f"needs up to {Web3.from_wei(cost, 'ether')} ETH")
    signed = account.sign_transaction(tx)
    try:
        tx_hash = w3.eth.send_raw_transaction(signed.raw_transaction)
        receipt = w3.eth.wait_for_transaction_receipt(tx_hash, timeout=120, poll_latency=0.2)
    except Web3RPCError as e:
        raise AdminError(f"{what}: the node refused the transaction: {e}") from None
    except TimeExhausted:
        raise AdminError(f"{what}: no receipt for {tx_hash.hex()} after 120 s") from None
    if receipt.status != 1:
        raise AdminError(f"{what}: transaction {tx_hash.hex()} reverted")
    return receipt


def transact(args, fn_name, *fn_args, what=None):
    w3 = connect(args)
    account = load_key(args)
    c = contract(w3, args)
    fn = getattr(c.functions, fn_name)(*fn_args)
    receipt = send(w3, account, {"to": c.address, "data": fn._encode_transaction_data()}, what or fn_name)
    return w3, c, receipt


def report(args, text, payload):
    print(json.dumps(payload) if args.json else text)


# ---------------------------------------------------------------- agreement files


def read_agreement(path):
    try:
        doc = tomllib.loads(Path(path).read_text())
    except OSError as e:
        raise AdminError(f"cannot read {path}: {e}") from None
    except tomllib.TOMLDecodeError as e:
        raise AdminError(f"{path} is not valid TOML: {e}") from None

    def need(key, kind):
        if key not in doc:
            raise AdminError(f"{path}: missing key '{key}'")
        if not isinstance(doc[key], kind):
            raise AdminError(f"{path}: '{key}' has the wrong type")
        return doc[key]

    start = doc.get("period_start")
    if isinstance(start, dt.datetime):
        if start.tzinfo is None:
            raise AdminError(f"{path}: period_start needs a time zone (e.g. 2026-12-01T00:00:00Z)")
        start = int(start.timestamp())
    elif not isinstance(start, int):
        raise AdminError(f"{path}: period_start must be a Unix time or an RFC 3339 date-time")
    profile = doc.get("profile")
    if not isinstance(profile, dict):
        raise AdminError(f"{path}: missing table [profile] with intervals = [[min, max], ...]")
    if "intervals" in profile:
        intervals = profile["intervals"]
    elif "uniform" in profile and "slots" in profile:
        intervals = [profile["uniform"]] * profile["slots"]
    else:
        raise AdminError(f"{path}: [profile] needs intervals = [[min, max], ...] or uniform = [min, max] and slots = N")
    if not all(isinstance(p, list) and len(p) == 2 and all(isinstance(x, int) and x >= 0 for x in p) for p in intervals):
        raise AdminError(f"{path}: profile intervals must be pairs of non-negative integers (Wh)")
    if "unmeasured" in doc:
        raise AdminError(f"{path}: 'unmeasured' is replaced by unmeasured_allowance = N "
                         "(unmeasured slots excused per period; 0 penalises every one)")

    def optional(key, default):
        value = doc.get(key, default)
        if not isinstance(value, int):
            raise AdminError(f"{path}: '{key}' has the wrong type")
        return value
    for who in ("consumer", "device"):
        if not Web3.is_address(need(who, str)):
            raise AdminError(f"{path}: {who} is not an address")
    return [
        Web3.to_checksum_address(doc["consumer"]), Web3.to_checksum_address(doc["device"]), start,
        need("slot_seconds", int), need("slots_per_period", int), pack_profile(intervals),
        need("bonus_per_period", int), need("penalty_per_slot", int), need("emergency_penalty", int),
        need("grace_seconds", int), optional("unmeasured_allowance", 0), optional("slot_tolerance", 0),
        optional("device_notice_seconds", 7 * 86400),
    ]


# ---------------------------------------------------------------- commands


def cmd_deploy(args):
    w3 = connect(args)
    account = load_key(args)
    receipt = send(w3, account, {"data": load()["bytecode"]}, "deploy")
    report(args, f"deployed Agreements at {receipt.contractAddress} (block {receipt.blockNumber})",
           {"address": receipt.contractAddress, "block": receipt.blockNumber, "tx": receipt.transactionHash.hex()})


def cmd_propose(args):
    terms = read_agreement(args.file)
    w3, c, receipt = transact(args, "propose_agreement", *terms, what="propose")
    proposed = c.events.AgreementProposed().process_receipt(receipt)[0].args
    report(args, f"proposed agreement {proposed.agreement_id} to {proposed.consumer} (terms store {proposed.terms_store}); "
                 "it binds nobody until the consumer accepts it",
           {"agreement_id": proposed.agreement_id, "terms_store": proposed.terms_store, "tx": receipt.transactionHash.hex()})


def cmd_accept(args):
    """The consumer's acceptance: sent with the consumer's key, or printed as EIP-712 typed data
    to sign elsewhere, or submitted (by any key, e.g. the utility's) with that signature."""
    if args.print_payload:
        w3 = connect(args)
        c = contract(w3, args)
        a = agreement_dict(c, args.agreement_id)
        print(json.dumps(typed_acceptance(w3.eth.chain_id, c.address, args.agreement_id, a["terms_store"]), indent=1))
        return
    if args.signature:
        try:
            v, r, s = split_signature(args.signature)
        except ValueError as e:
            raise AdminError(f"accept: {e}") from None
        _, _, receipt = transact(args, "accept_agreement_signed", args.agreement_id, v, r, s, what="accept")
    else:
        _, _, receipt = transact(args, "accept_agreement", args.agreement_id, what="accept")
    report(args, f"agreement {args.agreement_id} accepted: it is active",
           {"ok": True, "tx": receipt.transactionHash.hex(), "block": receipt.blockNumber})


def cmd_list(args):
    w3 = connect(args)
    c = contract(w3, args)
    now = w3.eth.get_block("latest").timestamp
    last_batch = {}
    for log in c.events.BatchSubmitted().get_logs(from_block=0):
        last_batch[log.args.agreement_id] = log.blockNumber
    rows = []
    for agreement_id in range(c.functions.agreement_count().call()):
        a = agreement_dict(c, agreement_id)
        block = last_batch.get(agreement_id)
        age = None if block is None else now - w3.eth.get_block(block).timestamp
        # slots that have ended by the latest block, in the open period, and are not yet submitted
        period_first = a["period"] * a["slots_per_period"]
        ended = max(0, (now - a["period_start"]) // a["slot_seconds"]) if now > a["period_start"] else 0
        due = min(ended, period_first + a["slots_per_period"])
        missing = max(0, due - a["next_slot"]) if a["status"] in (1, 2) else 0
        rows.append({"agreement_id": agreement_id, "status": a["status_name"], "consumer": a["consumer"],
                     "device": a["device"], "bonus": a["bonus"], "last_batch_seq": a["last_batch_seq"],
                     "last_batch_age_seconds": age, "slots_missing": missing})
    if args.json:
        print(json.dumps(rows))
        return
    print(f"{'id':>4} {'status':<13} {'bonus':>12} {'last batch':>10} {'age':>10} {'missing':>8}  device")
    for r in rows:
        age = "never" if r["last_batch_age_seconds"] is None else f"{r['last_batch_age_seconds']} s"
        print(f"{r['agreement_id']:>4} {r['status']:<13} {r['bonus']:>12} {r['last_batch_seq']:>10} {age:>10} "
              f"{r['slots_missing']:>8}  {r['device']}")


def agreement_dict(c, agreement_id):
    try:
        values = c.functions.agreement(agreement_id).call()
    except ContractLogicError as e:
        raise AdminError(f"show: {reason_of(e)}") from None
    names = [o["name"] for o in c.get_function_by_name("agreement").abi["outputs"][0]["components"]]
    out = dict(zip(names, values))
    out["agreement_id"] = agreement_id
    out["control_state_name"] = STATES.get(out["control_state"], "unknown")
    out["status_name"] = STATUSES.get(out["status"], "unknown")
    out["period_end"] = c.functions.period_end(agreement_id).call()
    out["paused"] = c.functions.paused().call()
    out["owner"] = c.functions.owner().call()
    return out


def cmd_show(args):
    w3 = connect(args)
    c = contract(w3, args)
    a = agreement_dict(c, args.agreement_id)
    if args.json:
        print(json.dumps(a))
        return
    end = dt.datetime.fromtimestamp(a["period_end"], dt.timezone.utc).isoformat()
    print(f"agreement {a['agreement_id']} on {c.address}{' (contract paused)' if a['paused'] else ''}")
    print(f"  {a['status_name']}{' (replaces agreement ' + str(a['replaces'] - 1) + ')' if a['replaces'] else ''}; "
          f"consumer {a['consumer']}  device {a['device']}")
    if a["pending_device"] != "0x" + "00" * 20:
        at = dt.datetime.fromtimestamp(a["device_change_at"], dt.timezone.utc).isoformat()
        print(f"  device change to {a['pending_device']} proposed: takes effect when the consumer accepts, or from {at}")
    print(f"  state {a['control_state_name']}{' (cutoff acknowledged)' if a['cutoff_acknowledged'] else ''}")
    print(f"  period {a['period']} ends {end}; bonus {a['bonus']} of {a['bonus_per_period']}; credit {a['credit']}")
    print(f"  next slot {a['next_slot']}; last batch {a['last_batch_seq']}; penalised slots this period {a['penalised_slots']}; "
          f"unmeasured slots excused {a['excused_slots']} of {a['unmeasured_allowance']}")
    print(f"  slots of {a['slot_seconds']} s, {a['slots_per_period']} a period, daily profile of {a['profile_len']}; "
          f"penalty {a['penalty_per_slot']} a slot, emergency {a['emergency_penalty']}, grace {a['grace_seconds']} s, "
          f"slot tolerance {a['slot_tolerance']} s, device notice {a['device_notice_seconds']} s")


def simple(fn_name, *fields, done):
    def run(args):
        fn_args = [getattr(args, f) for f in fields]
        _, _, receipt = transact(args, fn_name, *fn_args, what=args.command)
        report(args, done.format(**vars(args)), {"ok": True, "tx": receipt.transactionHash.hex(), "block": receipt.blockNumber})
    return run


def cmd_fund(args):
    try:
        wei = int(Web3.to_wei(Decimal(args.amount), "ether"))
    except (InvalidOperation, ValueError):
        raise AdminError(f"fund: not an amount of ETH: {args.amount}") from None
    if wei <= 0:
        raise AdminError("fund: the amount must be positive")
    w3 = connect(args)
    account = load_key(args)
    receipt = send(w3, account, {"to": args.address, "value": wei}, "fund")
    balance = w3.eth.get_balance(args.address)
    report(args, f"sent {args.amount} ETH to {args.address}; it now holds {Web3.from_wei(balance, 'ether')} ETH",
           {"ok": True, "tx": receipt.transactionHash.hex(), "balance_wei": balance})


def parser():
    p = argparse.ArgumentParser(prog="electro-admin", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rpc", default=os.environ.get("ELECTRO_RPC", "http://127.0.0.1:8545"), help="JSON-RPC URL")
    p.add_argument("--chain-id", type=int, help="refuse to act unless the endpoint serves this chain")
    p.add_argument("--contract", help="the Agreements contract (default: $ELECTRO_CONTRACT)")
    p.add_argument("--keystore", help="V3 keystore file with the utility's key (default: $ELECTRO_ADMIN_KEY)")
    p.add_argument("--password-file", help="file holding the keystore password (default: prompt)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name, func, help_text):
        s = sub.add_parser(name, help=help_text)
        s.set_defaults(func=func)
        return s

    add("deploy", cmd_deploy, "deploy the Agreements contract; the sender becomes the owner")
    add("propose", cmd_propose, "propose an agreement from a TOML file to its consumer").add_argument("--file", required=True)
    add("show", cmd_show, "show an agreement or a proposal").add_argument("agreement_id", type=int)
    add("list", cmd_list, "every agreement: status, bonus, last batch and its age, slots missing")
    s = add("accept", cmd_accept, "the consumer accepts a proposal: with the consumer's key (--keystore or "
            "ELECTRO_ADMIN_KEY), or --print-payload to sign elsewhere, then --signature to submit it")
    s.add_argument("agreement_id", type=int)
    mode = s.add_mutually_exclusive_group()
    mode.add_argument("--print-payload", action="store_true", help="print the EIP-712 typed data for the consumer to sign")
    mode.add_argument("--signature", help="the consumer's 65-byte EIP-712 signature (hex); any funded key submits it")
    s = add("propose-change", simple("propose_change", "agreement_id", "successor_id",
                                     done="proposal {successor_id} offered as the terms of agreement {agreement_id} "
                                          "from its next period; the consumer accepts it with accept {successor_id}"),
            "offer a proposal as the next period's terms of an active agreement")
    s.add_argument("agreement_id", type=int)
    s.add_argument("successor_id", type=int)
    s = add("cutoff", simple("order_cutoff", "agreement_id", "reason", done="cutoff ordered for agreement {agreement_id}"),
            "order an emergency cutoff")
    s.add_argument("agreement_id", type=int)
    s.add_argument("--reason", required=True)
    add("allow-reconnection", simple("allow_reconnection", "agreement_id", done="reconnection allowed for agreement {agreement_id}"),
        "allow a disconnected site to reconnect").add_argument("agreement_id", type=int)
    for name, fn_name in (("adjust-bonus", "adjust_bonus"), ("adjust-credit", "adjust_credit")):
        s = add(name, simple(fn_name, "agreement_id", "delta", "reason", done=name + " {delta:+d} on agreement {agreement_id}"),
                f"add DELTA (may be negative) to the {name.split('-')[1]}, with a reason")
        s.add_argument("agreement_id", type=int)
        s.add_argument("delta", type=int)
        s.add_argument("--reason", required=True)
    add("close-period", simple("close_period", "agreement_id", done="closed the open period of agreement {agreement_id}"),
        "close an ended period: the remaining bonus becomes credit").add_argument("agreement_id", type=int)
    s = add("propose-device", simple("propose_device", "agreement_id", "device",
                                     done="device {device} proposed for agreement {agreement_id}: it takes effect when "
                                          "the consumer accepts (accept-device) or after the notice time (apply-device)"),
            "propose a new device key (a meter swap)")
    s.add_argument("agreement_id", type=int)
    s.add_argument("device", type=address_arg)
    add("accept-device", simple("accept_device", "agreement_id", done="device change of agreement {agreement_id} accepted"),
        "the consumer accepts the pending device change (with the consumer's key)").add_argument("agreement_id", type=int)
    add("apply-device", simple("apply_device_change", "agreement_id", done="device change of agreement {agreement_id} applied"),
        "apply a pending device change after the notice time").add_argument("agreement_id", type=int)
    s = add("fund", cmd_fund, "send gas money (ETH) to an address, e.g. a device")
    s.add_argument("address", type=address_arg)
    s.add_argument("amount", help="amount in ETH, e.g. 0.05")
    add("transfer-ownership", simple("transfer_ownership", "new_owner", done="ownership offered to {new_owner}; it must accept"),
        "offer the contract to a new owner").add_argument("new_owner", type=address_arg)
    add("accept-ownership", simple("accept_ownership", done="ownership accepted"), "accept a pending ownership offer")
    add("pause", simple("pause", done="contract paused"), "pause batches, penalties, closing and adjustments")
    add("unpause", simple("unpause", done="contract unpaused"), "lift a pause")
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        args.func(args)
    except AdminError as e:
        print(f"electro-admin: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0
