"""Shared helpers for the contract tests: an independent Python model of the rules and
thin wrappers over web3 calls."""

import pytest
from web3.exceptions import ContractLogicError
from web3.logs import DISCARD
from eth_tester.exceptions import TransactionFailed

from contracts.packing import UNMEASURED, pack_consumption, pack_profile, unpack_batch

GAS = 3_000_000
PROPOSED, ACTIVE, FINAL_PERIOD, ENDED = 0, 1, 2, 3
DISCONNECTED, CONNECTED, READY = 0, 1, 2
HEAD = b"\x42" * 32


def model_batch(values, first_slot, profile, allowance_left):
    """(violations, unmeasured, charged) for `values` starting at `first_slot`, computed
    slot by slot from the rules in contracts/README.md: a slot outside its interval is
    charged; an unmeasured one is excused while `allowance_left` (what is left of the
    period's unmeasured allowance) lasts, then charged."""
    violations = unmeasured = charged = 0
    for i, v in enumerate(values):
        lo, hi = profile[(first_slot + i) % len(profile)]
        if v == UNMEASURED:
            unmeasured += 1
            if allowance_left > 0:
                allowance_left -= 1
            else:
                charged += 1
        elif v < lo or v > hi:
            violations += 1
            charged += 1
    return violations, unmeasured, charged


def transact(fn, sender, value=0):
    """Sends a transaction with a fixed gas limit (no estimation) and returns the receipt;
    fails the test when it reverted."""
    tx_hash = fn.transact({"from": sender, "gas": GAS, "value": value})
    receipt = fn.w3.eth.get_transaction_receipt(tx_hash)
    assert receipt.status == 1, f"transaction reverted: {fn.fn_name}"
    return receipt


def reverts(fn, sender, message):
    """Asserts that calling `fn` from `sender` reverts with `message` (exact reason);
    message None means a revert without reason data (the compiler's own ABI checks)."""
    with pytest.raises((ContractLogicError, TransactionFailed)) as info:
        fn.call({"from": sender, "gas": GAS})
    expected = "b''" if message is None else message
    assert str(info.value.args[0]) == f"execution reverted: {expected}", info.value.args


def events(contract, receipt, name):
    """The receipt's `name` events as dicts; BatchSubmitted's packed `batch` word is
    replaced by its fields."""
    found = [dict(e.args) for e in getattr(contract.events, name)().process_receipt(receipt, errors=DISCARD)]
    for args in found:
        if "batch" in args:
            args.update(unpack_batch(args.pop("batch")))
    return found


def submit(contract, device, agreement_id, seq, first_slot, values, head=HEAD):
    fn = contract.functions.submit_batch(agreement_id, seq, first_slot, len(values), pack_consumption(values), head)
    return transact(fn, device)


def submit_fn(contract, agreement_id, seq, first_slot, values, head=HEAD, count=None, packed=None):
    return contract.functions.submit_batch(
        agreement_id, seq, first_slot, len(values) if count is None else count,
        pack_consumption(values) if packed is None else packed, head,
    )


__all__ = [
    "GAS", "PROPOSED", "ACTIVE", "FINAL_PERIOD", "ENDED", "DISCONNECTED", "CONNECTED", "READY", "HEAD", "UNMEASURED",
    "model_batch", "transact", "reverts", "events", "submit", "submit_fn", "pack_profile",
    "pack_consumption",
]
