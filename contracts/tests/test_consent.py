"""Consent and time: what each party can do alone (contracts/README.md, trust model)."""

from eth_account import Account
from eth_account.messages import encode_typed_data

from contracts import consent
from contracts.tests.conftest import DAY, QUARTER
from contracts.tests.util import (
    ACTIVE, ENDED, FINAL_PERIOD, HEAD, PROPOSED, events, reverts, submit, submit_fn, transact,
)
from contracts.tests.conftest import PROFILE

IN = [(lo + hi) // 2 for lo, hi in PROFILE]
ZERO = "0x" + "00" * 20


def typed_acceptance(env, aid):
    return consent.typed_acceptance(env.w3.eth.chain_id, env.c.address, aid, env.state(aid)["terms_store"])


def sign(message, key):
    signed = Account.sign_message(encode_typed_data(full_message=message), key)
    return signed.v, signed.r.to_bytes(32, "big"), signed.s.to_bytes(32, "big")


# ---------------------------------------------------------------- acceptance


def test_a_proposal_binds_nobody_until_the_consumer_accepts(env):
    aid, receipt = env.propose()
    assert env.state(aid)["status"] == PROPOSED
    assert events(env.c, receipt, "PeriodOpened") == []
    reverts(submit_fn(env.c, aid, 1, 0, IN[:8]), env.device, "agreements: agreement not active")
    reverts(env.c.functions.order_cutoff(aid, "x"), env.owner, "agreements: agreement not active")
    reverts(env.c.functions.report_emergency_shutdown(aid, HEAD), env.device, "agreements: agreement not active")
    reverts(env.c.functions.close_period(aid), env.owner, "agreements: agreement not active")
    reverts(env.c.functions.adjust_bonus(aid, 1, "x"), env.owner, "agreements: agreement not active")
    reverts(env.c.functions.adjust_credit(aid, 1, "x"), env.owner, "agreements: agreement never accepted")
    assert env.c.functions.device_state(aid).call()[5] == PROPOSED
    for who in (env.owner, env.device, env.stranger):
        reverts(env.c.functions.accept_agreement(aid), who, "agreements: caller is not the consumer")
    receipt = transact(env.c.functions.accept_agreement(aid), env.consumer)
    assert events(env.c, receipt, "AgreementAccepted") == [
        {"agreement_id": aid, "consumer": env.consumer, "terms_store": env.state(aid)["terms_store"]}]
    assert events(env.c, receipt, "PeriodOpened") == [{"agreement_id": aid, "period": 0, "first_slot": 0, "bonus": 1_000_000}]
    assert env.state(aid)["status"] == ACTIVE
    reverts(env.c.functions.accept_agreement(aid), env.consumer, "agreements: not a proposal")
    submit(env.c, env.device, aid, 1, 0, IN[:8])


def test_the_consumer_accepts_by_signature_without_ether(env):
    consumer = Account.create()
    aid, _ = env.propose(consumer=consumer.address)
    v, r, s = sign(typed_acceptance(env, aid), consumer.key)
    stranger = Account.create()
    reverts(env.c.functions.accept_agreement_signed(aid, *sign(typed_acceptance(env, aid), stranger.key)),
            env.owner, "agreements: not signed by the consumer")
    reverts(env.c.functions.accept_agreement_signed(aid, v, r, b"\x01" * 32), env.owner, "agreements: not signed by the consumer")
    transact(env.c.functions.accept_agreement_signed(aid, v, r, s), env.owner)  # the utility pays the gas
    assert env.state(aid)["status"] == ACTIVE
    reverts(env.c.functions.accept_agreement_signed(aid, v, r, s), env.owner, "agreements: not a proposal")


def test_a_signature_binds_the_device_of_the_proposal(env):
    # The utility cannot swap the device between the consumer's signature and its submission.
    consumer = Account.create()
    aid, _ = env.propose(consumer=consumer.address, notice=0)
    signature = sign(typed_acceptance(env, aid), consumer.key)
    transact(env.c.functions.propose_device(aid, env.owner), env.owner)
    transact(env.c.functions.apply_device_change(aid), env.owner)
    reverts(env.c.functions.accept_agreement_signed(aid, *signature), env.owner, "agreements: not signed by the consumer")


def test_accepted_terms_have_no_setter(env):
    names = {f["name"] for f in env.c.abi if f["type"] == "function" and f["stateMutability"] not in ("view", "pure")}
    assert not any(n.startswith("set_") for n in names), names
    assert "create_agreement" not in names


# ---------------------------------------------------------------- a change of terms


def test_a_change_of_terms_takes_effect_at_the_next_period(env):
    start = env.now() - 96 * QUARTER + 3600
    old, _ = env.create(slots_per_period=96, bonus=5_000, grace=0, period_start=start)
    end = env.c.functions.period_end(old).call()
    new, _ = env.propose(slots_per_period=96, bonus=7_000, period_start=end - QUARTER)
    reverts(env.c.functions.propose_change(old, new), env.owner, "agreements: successor must start when the open period ends")
    new, _ = env.propose(slots_per_period=96, bonus=7_000, period_start=end, consumer=env.stranger)
    reverts(env.c.functions.propose_change(old, new), env.owner, "agreements: successor has another consumer")
    new, _ = env.propose(slots_per_period=96, bonus=7_000, period_start=end)
    reverts(env.c.functions.propose_change(old, new), env.consumer, "ownable_2step: caller is not the owner")
    receipt = transact(env.c.functions.propose_change(old, new), env.owner)
    assert events(env.c, receipt, "ChangeProposed") == [{"agreement_id": old, "successor_id": new, "from_period": 1}]
    assert env.state(old)["status"] == ACTIVE  # nothing changes until the consumer accepts
    receipt = transact(env.c.functions.accept_agreement(new), env.consumer)
    assert events(env.c, receipt, "FinalPeriod") == [{"agreement_id": old, "period": 0, "successor_id": new}]
    assert (env.state(old)["status"], env.state(new)["status"], env.state(new)["replaces"]) == (FINAL_PERIOD, ACTIVE, old + 1)
    submit(env.c, env.device, old, 1, 0, IN[:80])  # the old terms hold to the end of their period
    env.travel(end)
    receipt = transact(env.c.functions.close_period(old), env.owner)
    assert events(env.c, receipt, "AgreementEnded") == [{"agreement_id": old, "period": 0}]
    assert events(env.c, receipt, "PeriodOpened") == []
    assert (env.state(old)["status"], env.state(old)["bonus"], env.state(old)["credit"]) == (ENDED, 0, 0)  # 16 slots missing
    # a settled period is never adjusted: the ended agreement's bonus is out of reach
    reverts(env.c.functions.adjust_bonus(old, 1, "late goodwill"), env.owner, "agreements: agreement not active")
    reverts(submit_fn(env.c, old, 2, 96, IN[:1]), env.device, "agreements: agreement not active")
    reverts(env.c.functions.close_period(old), env.owner, "agreements: agreement not active")
    env.travel(end + 8 * QUARTER)
    submit(env.c, env.device, new, 1, 0, IN[:8])


def test_a_change_accepted_too_late_is_refused(env):
    start = env.now() - 96 * QUARTER
    old, _ = env.create(slots_per_period=96, grace=0, period_start=start)
    end = env.c.functions.period_end(old).call()
    new, _ = env.propose(slots_per_period=96, period_start=end)
    transact(env.c.functions.propose_change(old, new), env.owner)
    env.travel(end)
    transact(env.c.functions.close_period(old), env.owner)
    reverts(env.c.functions.accept_agreement(new), env.consumer, "agreements: change proposed for a period already closed")


# ---------------------------------------------------------------- device change


def test_a_device_change_the_consumer_accepts_takes_effect_at_once(env):
    aid, _ = env.create(notice=7 * DAY)
    submit(env.c, env.device, aid, 1, 0, IN[:4])
    reverts(env.c.functions.propose_device(aid, env.other), env.consumer, "ownable_2step: caller is not the owner")
    reverts(env.c.functions.propose_device(aid, ZERO), env.owner, "agreements: zero device")
    receipt = transact(env.c.functions.propose_device(aid, env.other), env.owner)
    proposed = events(env.c, receipt, "DeviceChangeProposed")[0]
    assert (proposed["old_device"], proposed["new_device"], proposed["effective_at"]) == (env.device, env.other, env.now() + 7 * DAY)
    submit(env.c, env.device, aid, 2, 4, IN[4:8])  # the old device submits until the change takes effect
    reverts(env.c.functions.accept_device(aid), env.owner, "agreements: caller is not the consumer")
    receipt = transact(env.c.functions.accept_device(aid), env.consumer)
    changed = events(env.c, receipt, "DeviceChanged")[0]
    assert (changed["old_device"], changed["new_device"]) == (env.device, env.other)
    reverts(submit_fn(env.c, aid, 3, 8, IN[8:12]), env.device, "agreements: caller is not the device")
    submit(env.c, env.other, aid, 3, 8, IN[8:12])
    s = env.state(aid)
    assert (s["device"], s["terms_store"], s["profile_len"], s["pending_device"]) == (env.other, changed["terms_store"], 96, ZERO)
    assert list(zip(*env.c.functions.profile(aid).call())) == PROFILE
    reverts(env.c.functions.accept_device(aid), env.consumer, "agreements: no device change pending")


def test_without_acceptance_a_device_change_waits_for_the_notice_time(env):
    aid, _ = env.create(notice=2 * DAY)
    transact(env.c.functions.propose_device(aid, env.other), env.owner)
    at = env.state(aid)["device_change_at"]
    reverts(env.c.functions.apply_device_change(aid), env.owner, "agreements: device notice time not over")
    env.travel(at - 10)
    reverts(env.c.functions.apply_device_change(aid), env.owner, "agreements: device notice time not over")
    env.travel(at)
    reverts(env.c.functions.apply_device_change(aid), env.consumer, "ownable_2step: caller is not the owner")
    receipt = transact(env.c.functions.apply_device_change(aid), env.owner)
    assert events(env.c, receipt, "DeviceChanged")[0]["new_device"] == env.other
    assert env.state(aid)["device"] == env.other


# ---------------------------------------------------------------- time


def test_a_slot_is_submitted_only_once_it_has_ended(env):
    start = env.now() + 3600
    aid, _ = env.create(slots_per_period=96, period_start=start)
    reverts(submit_fn(env.c, aid, 1, 0, IN[:1]), env.device, "agreements: slot not over")
    env.travel(start + 4 * QUARTER - 5)  # the block after this one is at most a few seconds later
    reverts(submit_fn(env.c, aid, 1, 0, IN[:4]), env.device, "agreements: slot not over")
    env.travel(start + 4 * QUARTER)
    submit(env.c, env.device, aid, 1, 0, IN[:4])
    reverts(submit_fn(env.c, aid, 2, 4, IN[4:96]), env.device, "agreements: slot not over")


def test_the_tolerance_in_the_terms_allows_a_slot_ending_that_much_later(env):
    start = env.now() - 4 * QUARTER
    aid, _ = env.create(slots_per_period=96, period_start=start, tolerance=60)
    env.travel(start + 5 * QUARTER - 60)
    submit(env.c, env.device, aid, 1, 0, IN[:5])  # slot 4 ends within 60 s of the block
    reverts(submit_fn(env.c, aid, 2, 5, IN[5:6]), env.device, "agreements: slot not over")


def test_a_day_ahead_is_refused(env):
    # The attack of issue 14: 288 compliant slots 79 hours ahead of the block.
    aid, _ = env.create(profile=[(0, 10**6)], slots_per_period=288 * 4, period_start=env.now() + 7 * 3600,
                        slot_seconds=QUARTER)
    reverts(submit_fn(env.c, aid, 1, 0, [1] * 288), env.device, "agreements: slot not over")
