"""Property test: over random terms, batches, clocks and skipped submissions, the contract agrees
slot by slot with the independent model in util.py: which batches it takes (a slot only once it has
ended, up to the tolerance), the counts and bonus of each batch, the unmeasured allowance, and the
penalty for slots never submitted when the period closes."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.packing import UNMEASURED, pack_consumption, pack_profile
from contracts.tests.util import GAS, events, model_batch, transact

MAX_WH = UNMEASURED - 1
SLOT = 900


def wh(lo=0, hi=MAX_WH):
    """Integers in [lo, hi] with the bounds and the lane edges drawn often."""
    edges = [x for x in (lo, hi, 0, 1, 2**16, 2**31, MAX_WH - 1, MAX_WH) if lo <= x <= hi]
    return st.one_of(st.sampled_from(edges), st.integers(lo, hi))


@st.composite
def interval(draw):
    lo = draw(wh())
    return lo, draw(wh(lo, MAX_WH))


@st.composite
def slot_value(draw, lo, hi):
    """A value near the slot's interval, inside it, far off, or unmeasured."""
    kinds = [lo, hi, 0, MAX_WH, UNMEASURED, UNMEASURED, (lo + hi) // 2]
    if lo > 0:
        kinds.append(lo - 1)
    if hi < MAX_WH:
        kinds.append(hi + 1)
    return draw(st.one_of(st.sampled_from(kinds), wh()))


def send(fn, sender):
    """Sends without asserting success; returns the receipt (status 0 when the contract refused)."""
    return fn.w3.eth.get_transaction_receipt(fn.transact({"from": sender, "gas": GAS}))


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_the_contract_follows_the_slot_by_slot_model(chain, data):
    env = chain
    profile = data.draw(st.lists(interval(), min_size=1, max_size=20), label="profile")
    spp = len(profile) * data.draw(st.integers(1, 6), label="profiles per period")
    penalty = data.draw(st.one_of(st.sampled_from([0, 1, 2**48 - 1]), st.integers(0, 10**6)), label="penalty")
    bonus = data.draw(st.one_of(st.sampled_from([0, 2**80 - 1]), st.integers(0, 10**9)), label="bonus")
    emergency = data.draw(st.integers(0, 10**7), label="emergency penalty")
    allowance = data.draw(st.one_of(st.just(0), st.integers(0, spp + 2)), label="unmeasured allowance")
    tolerance = data.draw(st.sampled_from([0, 0, 1, SLOT - 1, SLOT, 3 * SLOT]), label="slot tolerance")
    ended = data.draw(st.integers(0, spp), label="slots ended at the start")

    snapshot = env.tester.take_snapshot()
    try:
        start = env.now() - ended * SLOT
        fn = env.c.functions.propose_agreement(env.consumer, env.device, start, SLOT, spp, pack_profile(profile),
                                               bonus, penalty, emergency, 0, allowance, tolerance, 0)
        transact(fn, env.owner)
        aid = env.c.functions.agreement_count().call() - 1
        transact(env.c.functions.accept_agreement(aid), env.consumer)

        slot, seq, expected_bonus, penalised, excused = 0, 1, bonus, 0, 0
        while slot < spp and data.draw(st.booleans(), label="another step"):
            if data.draw(st.booleans(), label="let time pass"):
                env.travel(env.now() + data.draw(st.integers(1, 4 * SLOT), label="seconds"))
            size = data.draw(st.integers(1, min(40, spp - slot)), label="batch size")
            values = [data.draw(slot_value(*profile[(slot + i) % len(profile)])) for i in range(size)]
            receipt = send(env.c.functions.submit_batch(aid, seq, slot, size, pack_consumption(values), b"\x07" * 32), env.device)
            block_time = env.w3.eth.get_block(receipt.blockNumber).timestamp
            over = start + (slot + size) * SLOT <= block_time + tolerance
            assert receipt.status == (1 if over else 0), (slot, size, block_time, tolerance)
            if not over:
                continue
            violations, unmeasured, charged = model_batch(values, slot, profile, allowance - excused)
            excused += unmeasured - (charged - violations)
            expected_bonus = max(0, expected_bonus - charged * penalty)
            penalised += charged
            ev = events(env.c, receipt, "BatchSubmitted")[0]
            assert (ev["violations"], ev["unmeasured"], ev["bonus"]) == (violations, unmeasured, expected_bonus)
            if data.draw(st.booleans(), label="emergency report"):
                transact(env.c.functions.report_emergency_shutdown(aid, b"\x00" * 32), env.device)
                expected_bonus = max(0, expected_bonus - emergency)
            slot, seq = slot + size, seq + 1

        state = env.state(aid)
        assert (state["bonus"], state["penalised_slots"], state["excused_slots"], state["next_slot"], state["last_batch_seq"]) == (
            expected_bonus, penalised, excused, slot, seq - 1)

        # The close: every slot never submitted is unmeasured, excused while the allowance lasts.
        env.travel(start + spp * SLOT)
        closed = events(env.c, transact(env.c.functions.close_period(aid), env.owner), "PeriodClosed")[0]
        missing = spp - slot
        close_penalty = min(expected_bonus, (missing - min(missing, allowance - excused)) * penalty)
        assert (closed["missing_slots"], closed["penalty"], closed["credit"]) == (
            missing, close_penalty, expected_bonus - close_penalty)
    finally:
        env.tester.revert_to_snapshot(snapshot)
