"""Property test: over random agreements and random batch sequences, the contract's
per-batch counts and its bonus equal those of the independent model in util.py."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.packing import UNMEASURED, pack_profile
from contracts.tests.util import EXCUSED, PENALISED, events, model_batch, submit, transact

MAX_WH = UNMEASURED - 1


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
    kinds = [lo, hi, 0, MAX_WH, UNMEASURED, (lo + hi) // 2]
    if lo > 0:
        kinds.append(lo - 1)
    if hi < MAX_WH:
        kinds.append(hi + 1)
    return draw(st.one_of(st.sampled_from(kinds), wh()))


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_bonus_and_counts_match_the_model(chain, data):
    env = chain
    profile = data.draw(st.lists(interval(), min_size=1, max_size=20), label="profile")
    spp = len(profile) * data.draw(st.integers(1, 6), label="profiles per period")
    policy = data.draw(st.sampled_from([PENALISED, EXCUSED]), label="policy")
    penalty = data.draw(st.one_of(st.sampled_from([0, 1, 2**48 - 1]), st.integers(0, 10**6)), label="penalty")
    bonus = data.draw(st.one_of(st.sampled_from([0, 2**96 - 1]), st.integers(0, 10**9)), label="bonus")
    emergency = data.draw(st.integers(0, 10**7), label="emergency penalty")

    snapshot = env.tester.take_snapshot()
    try:
        fn = env.c.functions.create_agreement(env.consumer, env.device, env.start, 900, spp,
                                              pack_profile(profile), bonus, penalty, emergency, 0, policy)
        transact(fn, env.owner)
        aid = env.c.functions.agreement_count().call() - 1

        slot, seq, expected_bonus, penalised = 0, 1, bonus, 0
        while slot < spp and data.draw(st.booleans(), label="another batch"):
            size = data.draw(st.integers(1, min(40, spp - slot)), label="batch size")
            values = [data.draw(slot_value(*profile[(slot + i) % len(profile)])) for i in range(size)]
            receipt = submit(env.c, env.device, aid, seq, slot, values)
            violations, unmeasured, charged = model_batch(values, slot, profile, policy)
            expected_bonus = max(0, expected_bonus - charged * penalty)
            penalised += charged
            ev = events(env.c, receipt, "BatchSubmitted")[0]
            assert (ev["violations"], ev["unmeasured"], ev["bonus"]) == (violations, unmeasured, expected_bonus)
            if data.draw(st.booleans(), label="emergency report"):
                transact(env.c.functions.report_emergency_shutdown(aid, b"\x00" * 32), env.device)
                expected_bonus = max(0, expected_bonus - emergency)
            slot, seq = slot + size, seq + 1

        state = env.state(aid)
        assert (state["bonus"], state["penalised_slots"], state["next_slot"], state["last_batch_seq"]) == (
            expected_bonus, penalised, slot, seq - 1)
    finally:
        env.tester.revert_to_snapshot(snapshot)
