"""Every rule of the agreement contract, one behaviour per test."""

import pytest

from contracts.packing import UNMEASURED, unpack_batch
from contracts.tests.devchain_proc import REPO
from contracts.tests.conftest import PROFILE, QUARTER
from contracts.tests.util import (
    ACTIVE, CONNECTED, DISCONNECTED, HEAD, READY, events, model_batch, pack_profile,
    reverts, submit, submit_fn, transact,
)

IN = [(lo + hi) // 2 for lo, hi in PROFILE]  # a day of values inside every interval


# ---------------------------------------------------------------- creation


def test_create_records_terms_opens_period_zero_and_emits(env):
    aid, receipt = env.create(bonus=777, penalty=5, emergency=9, grace=60, allowance=3, tolerance=30, notice=600)
    s = env.state(aid)
    assert (s["consumer"], s["device"]) == (env.consumer, env.device)
    assert (s["period_start"], s["slot_seconds"], s["slots_per_period"], s["profile_len"]) == (env.start, QUARTER, 192, 96)
    assert (s["bonus_per_period"], s["penalty_per_slot"], s["emergency_penalty"], s["grace_seconds"]) == (777, 5, 9, 60)
    assert (s["unmeasured_allowance"], s["slot_tolerance"], s["device_notice_seconds"]) == (3, 30, 600)
    assert (s["status"], s["excused_slots"], s["replaces"]) == (ACTIVE, 0, 0)
    assert (s["period"], s["next_slot"], s["last_batch_seq"], s["bonus"], s["credit"]) == (0, 0, 0, 777, 0)
    assert (s["control_state"], s["cutoff_acknowledged"]) == (CONNECTED, False)
    created = events(env.c, receipt, "AgreementProposed")
    assert len(created) == 1 and created[0]["agreement_id"] == aid and created[0]["device"] == env.device
    assert created[0]["profile_hash"] == env.w3.keccak(pack_profile(PROFILE))
    assert created[0]["terms_store"] == s["terms_store"]
    mins, maxs = env.c.functions.profile(aid).call()
    assert list(zip(mins, maxs)) == PROFILE


def test_agreement_ids_count_up(env):
    first, _ = env.create()
    second, _ = env.create(device=env.other)
    assert (first, second) == (0, 1)
    assert env.state(second)["device"] == env.other and env.state(first)["device"] == env.device


def test_only_the_owner_proposes(env):
    fn = env.c.functions.propose_agreement(env.consumer, env.device, env.start, QUARTER, 96, pack_profile(PROFILE), 1, 1, 1, 1, 0, 0, 0)
    for who in (env.consumer, env.device, env.stranger):
        reverts(fn, who, "ownable_2step: caller is not the owner")


@pytest.mark.parametrize("change, message", [
    ({"consumer": "0x" + "00" * 20}, "agreements: zero consumer"),
    ({"device": "0x" + "00" * 20}, "agreements: zero device"),
    ({"slot_seconds": 0}, "agreements: bad slot length"),
    ({"profile": b""}, "agreements: bad profile length"),
    ({"profile": b"\x00" * 12}, "agreements: bad profile length"),
    ({"profile": pack_profile([(0, 1)] * 289)}, "agreements: profile longer than 288 slots"),
    ({"profile": pack_profile([(0, 1)] * 1024)}, "agreements: profile longer than 288 slots"),
    ({"slots_per_period": 0}, "agreements: bad slots per period"),
    ({"slots_per_period": 100}, "agreements: period not a whole number of profiles"),
    ({"profile": pack_profile([(5, 4)] * 96)}, "agreements: profile minimum above maximum"),
    ({"profile": pack_profile([(5, UNMEASURED)] * 96)}, "agreements: profile maximum is the unmeasured marker"),
    ({"bonus": 2**80}, "agreements: bonus too large"),
    ({"penalty": 2**48}, "agreements: penalty too large"),
    ({"allowance": 2**16}, "agreements: unmeasured allowance too large"),
    ({"tolerance": 2**32}, "agreements: slot tolerance too long"),
    ({"notice": 2**32}, "agreements: device notice too long"),
    ({"grace": 2**32}, "agreements: grace too long"),
    ({"emergency": 2**96}, "agreements: emergency penalty too large"),
    ({"period_start": 2**40}, "agreements: bad period start"),
])
def test_create_rejects_bad_terms(env, change, message):
    args = {"consumer": env.consumer, "device": env.device, "period_start": env.start, "slot_seconds": QUARTER,
            "slots_per_period": 192, "profile": pack_profile(PROFILE), "bonus": 1, "penalty": 1, "emergency": 1,
            "grace": 1, "allowance": 0, "tolerance": 0, "notice": 0}
    args.update(change)
    fn = env.c.functions.propose_agreement(*args.values())
    reverts(fn, env.owner, message)


def test_the_largest_profile_is_accepted_and_checked(env):
    profile = [(i, i + 3) for i in range(288)]
    aid, _ = env.create(profile=profile, slots_per_period=288, slot_seconds=300)
    values = [i + 4 if i % 7 == 0 else i for i in range(288)]
    receipt = submit(env.c, env.device, aid, 1, 0, values)
    assert events(env.c, receipt, "BatchSubmitted")[0]["violations"] == len(range(0, 288, 7))
    assert list(zip(*env.c.functions.profile(aid).call())) == profile


def test_views_revert_for_unknown_agreements(env):
    reverts(env.c.functions.agreement(5), env.stranger, "agreements: unknown agreement")
    reverts(env.c.functions.device_state(0), env.stranger, "agreements: unknown agreement")
    reverts(submit_fn(env.c, 3, 1, 0, IN[:8]), env.device, "agreements: unknown agreement")


# ---------------------------------------------------------------- batches


def test_only_the_device_submits(env):
    aid, _ = env.create()
    for who in (env.owner, env.consumer, env.stranger):
        reverts(submit_fn(env.c, aid, 1, 0, IN[:8]), who, "agreements: caller is not the device")
    submit(env.c, env.device, aid, 1, 0, IN[:8])
    assert env.state(aid)["next_slot"] == 8


def test_device_of_one_agreement_cannot_submit_for_another(env):
    mine, _ = env.create(device=env.other)
    env.create()
    reverts(submit_fn(env.c, mine, 1, 0, IN[:8]), env.device, "agreements: caller is not the device")


def test_batch_numbers_must_follow_exactly(env):
    aid, _ = env.create()
    reverts(submit_fn(env.c, aid, 0, 0, IN[:4]), env.device, "agreements: wrong batch number")
    reverts(submit_fn(env.c, aid, 2, 0, IN[:4]), env.device, "agreements: wrong batch number")
    submit(env.c, env.device, aid, 1, 0, IN[:4])
    reverts(submit_fn(env.c, aid, 1, 4, IN[4:8]), env.device, "agreements: wrong batch number")  # repeated
    reverts(submit_fn(env.c, aid, 3, 4, IN[4:8]), env.device, "agreements: wrong batch number")  # skipped
    submit(env.c, env.device, aid, 2, 4, IN[4:8])
    assert env.state(aid)["last_batch_seq"] == 2


def test_first_slot_must_be_the_next_slot(env):
    aid, _ = env.create()
    submit(env.c, env.device, aid, 1, 0, IN[:10])
    reverts(submit_fn(env.c, aid, 2, 9, IN[9:12]), env.device, "agreements: wrong first slot")  # overlap
    reverts(submit_fn(env.c, aid, 2, 11, IN[11:12]), env.device, "agreements: wrong first slot")  # gap
    reverts(submit_fn(env.c, aid, 2, 0, IN[:12]), env.device, "agreements: wrong first slot")  # replay
    # The next slot is stored in 40 bits; a first slot that only agrees with it in its low 40 bits is not it
    # (the event packs first_slot into 40 bits, so only a value that fits may ever be logged).
    reverts(submit_fn(env.c, aid, 2, 10 + 2**40, IN[10:12]), env.device, "agreements: wrong first slot")
    submit(env.c, env.device, aid, 2, 10, IN[10:12])
    assert env.state(aid)["next_slot"] == 12


def test_batch_shape_is_checked(env):
    aid, _ = env.create()
    reverts(submit_fn(env.c, aid, 1, 0, []), env.device, "agreements: empty batch")
    reverts(submit_fn(env.c, aid, 1, 0, IN[:9], count=8), env.device, "agreements: packed length mismatch")
    reverts(submit_fn(env.c, aid, 1, 0, IN[:8], count=9), env.device, "agreements: packed length mismatch")
    words = submit_fn(env.c, aid, 1, 0, IN[:8]).args[4]
    reverts(submit_fn(env.c, aid, 1, 0, IN[:7], count=7, packed=words), env.device, "agreements: nonzero padding")


def test_batches_hold_at_most_288_slots(env):
    aid, _ = env.create(profile=PROFILE[:1] * 1, slots_per_period=600, period_start=env.now() - 288 * QUARTER)
    reverts(submit_fn(env.c, aid, 1, 0, [1500] * 289), env.device, "agreements: batch longer than 288 slots")
    reverts(submit_fn(env.c, aid, 1, 0, [1500] * 296), env.device, "agreements: batch longer than 288 slots")
    reverts(submit_fn(env.c, aid, 1, 0, [1500] * 8, count=65535), env.device, "agreements: batch longer than 288 slots")
    receipt = submit(env.c, env.device, aid, 1, 0, [1500] * 288)
    assert events(env.c, receipt, "BatchSubmitted")[0]["slot_count"] == 288


def test_batch_may_not_reach_into_the_next_period(env):
    aid, _ = env.create(slots_per_period=96)
    reverts(submit_fn(env.c, aid, 1, 0, IN + IN[:1]), env.device, "agreements: batch beyond the open period")
    submit(env.c, env.device, aid, 1, 0, IN)
    reverts(submit_fn(env.c, aid, 2, 96, IN[:1]), env.device, "agreements: batch beyond the open period")


def test_slots_inside_their_intervals_cost_nothing_and_emit_the_anchor(env):
    aid, _ = env.create()
    edges = [lo for lo, _ in PROFILE[:48]] + [hi for _, hi in PROFILE[48:]]  # both bounds are inside
    receipt = submit(env.c, env.device, aid, 1, 0, edges, head=b"\xab" * 32)
    s = env.state(aid)
    assert (s["bonus"], s["penalised_slots"], s["next_slot"], s["last_batch_seq"]) == (1_000_000, 0, 96, 1)
    assert events(env.c, receipt, "BatchSubmitted") == [{
        "agreement_id": aid, "batch_seq": 1, "first_slot": 0, "slot_count": 96, "violations": 0,
        "unmeasured": 0, "bonus": 1_000_000, "journal_head": b"\xab" * 32,
    }]


def test_batch_counters_are_packed_in_one_event_word_as_documented(env):
    aid, _ = env.create(penalty=1_000)
    values = list(IN[8:20])
    values[2] = UNMEASURED
    values[4] = PROFILE[12][1] + 1
    values[7] = PROFILE[15][0] - 1
    submit(env.c, env.device, aid, 1, 0, IN[:8])
    receipt = submit(env.c, env.device, aid, 2, 8, values)
    raw = env.c.events.BatchSubmitted().process_receipt(receipt)[0].args["batch"]
    assert raw == 2 | (8 << 32) | (12 << 72) | (2 << 88) | (1 << 104)
    for word in (raw, 2**120 - 1, (2**32 - 1) | ((2**40 - 1) << 32), 288 << 72 | 287 << 88 | 1 << 104):
        assert env.c.functions.unpack_batch(word).call() == list(unpack_batch(word).values())
    assert unpack_batch(2**120 - 1) == {"batch_seq": 2**32 - 1, "first_slot": 2**40 - 1, "slot_count": 2**16 - 1,
                                        "violations": 2**16 - 1, "unmeasured": 2**16 - 1}


def test_each_slot_outside_its_interval_costs_the_penalty(env):
    aid, _ = env.create(penalty=1_000)
    values = list(IN)
    values[0] = PROFILE[0][0] - 1  # one below
    values[17] = PROFILE[17][1] + 1  # one above
    values[95] = 0  # zero consumption, minimum is above zero
    values[40] = 2**32 - 2  # largest measurable value
    receipt = submit(env.c, env.device, aid, 1, 0, values)
    ev = events(env.c, receipt, "BatchSubmitted")[0]
    assert (ev["violations"], ev["unmeasured"], ev["bonus"]) == (4, 0, 1_000_000 - 4_000)
    assert env.state(aid)["penalised_slots"] == 4


def test_slots_use_the_profile_slot_of_their_time_of_day(env):
    # Day two of the period: slot 96 + i uses profile slot i; slot 100's value fits
    # profile slot 4 but not profile slot 100 % 96 + 1.
    aid, _ = env.create()
    submit(env.c, env.device, aid, 1, 0, IN)
    values = list(IN)
    values[4] = PROFILE[4][0]
    values[5] = PROFILE[4][0]  # below profile slot 5's minimum
    receipt = submit(env.c, env.device, aid, 2, 96, values)
    assert events(env.c, receipt, "BatchSubmitted")[0]["violations"] == 1


def test_short_profiles_repeat_and_batches_start_anywhere(env):
    profile = [(10, 20), (0, 0), (30, 30), (5, 100), (7, 9)]
    aid, _ = env.create(profile=profile, slots_per_period=60)
    values = [15, 0, 30, 50, 8, 21, 1, 29, 4, 10, 20, 0, 30, 101, 9, 9, 9, 9, 9, 9, 9, 9, 9]
    seq, slot = 1, 0
    for size in (3, 1, 11, 8):
        batch = values[slot:slot + size]
        receipt = submit(env.c, env.device, aid, seq, slot, batch)
        ev = events(env.c, receipt, "BatchSubmitted")[0]
        assert ev["violations"] == model_batch(batch, slot, profile, 0)[0], (slot, size)
        seq, slot = seq + 1, slot + size
    assert env.state(aid)["penalised_slots"] == model_batch(values, 0, profile, 0)[2]


def test_penalties_saturate_at_zero(env):
    aid, _ = env.create(bonus=2_500, penalty=1_000)
    receipt = submit(env.c, env.device, aid, 1, 0, [0] * 5)
    ev = events(env.c, receipt, "BatchSubmitted")[0]
    assert (ev["violations"], ev["bonus"]) == (5, 0)
    submit(env.c, env.device, aid, 2, 5, [0] * 3)
    assert env.state(aid)["bonus"] == 0 and env.state(aid)["penalised_slots"] == 8


@pytest.mark.parametrize("allowance, charged", [(0, 3), (1, 2), (2, 1), (5, 1)])
def test_unmeasured_slots_are_excused_up_to_the_allowance(env, allowance, charged):
    aid, _ = env.create(allowance=allowance, penalty=100)
    values = list(IN[:16])
    values[2] = values[9] = UNMEASURED
    values[3] = 0
    receipt = submit(env.c, env.device, aid, 1, 0, values)
    ev = events(env.c, receipt, "BatchSubmitted")[0]
    assert (ev["violations"], ev["unmeasured"]) == (1, 2)
    assert env.state(aid)["bonus"] == 1_000_000 - 100 * charged
    assert env.state(aid)["penalised_slots"] == charged
    assert env.state(aid)["excused_slots"] == min(allowance, 2)


def test_a_whole_day_in_one_batch_of_mixed_values(env):
    aid, _ = env.create()
    values = [(v if i % 3 else PROFILE[i][1] + 1) for i, v in enumerate(IN)]
    values[50] = UNMEASURED
    receipt = submit(env.c, env.device, aid, 1, 0, values)
    violations, unmeasured, charged = model_batch(values, 0, PROFILE, 0)
    ev = events(env.c, receipt, "BatchSubmitted")[0]
    assert (ev["violations"], ev["unmeasured"]) == (violations, unmeasured)
    assert env.state(aid)["bonus"] == 1_000_000 - 1_000 * charged


def test_device_state_view(env):
    aid, _ = env.create()
    submit(env.c, env.device, aid, 1, 0, IN[:5])
    assert env.c.functions.device_state(aid).call() == [env.device, 1, 5, CONNECTED, False, ACTIVE]


# ---------------------------------------------------------------- emergency shutdown


def test_emergency_shutdown_costs_the_emergency_penalty_and_saturates(env):
    aid, _ = env.create(bonus=120_000, emergency=50_000)
    reverts(env.c.functions.report_emergency_shutdown(aid, HEAD), env.owner, "agreements: caller is not the device")
    receipt = transact(env.c.functions.report_emergency_shutdown(aid, b"\x01" * 32), env.device)
    assert events(env.c, receipt, "EmergencyShutdown") == [
        {"agreement_id": aid, "penalty": 50_000, "bonus": 70_000, "journal_head": b"\x01" * 32}]
    transact(env.c.functions.report_emergency_shutdown(aid, HEAD), env.device)
    receipt = transact(env.c.functions.report_emergency_shutdown(aid, HEAD), env.device)
    assert events(env.c, receipt, "EmergencyShutdown")[0]["penalty"] == 20_000
    assert env.state(aid)["bonus"] == 0
    assert env.state(aid)["control_state"] == CONNECTED


# ---------------------------------------------------------------- disconnect control


def test_cutoff_acknowledge_allow_and_reconnect(env):
    aid, _ = env.create()
    receipt = transact(env.c.functions.order_cutoff(aid, "feeder 7 overload"), env.owner)
    assert events(env.c, receipt, "CutoffOrdered") == [{"agreement_id": aid, "reason": "feeder 7 overload"}]
    assert env.state(aid)["control_state"] == DISCONNECTED

    receipt = transact(env.c.functions.acknowledge_cutoff(aid, b"\x07" * 32), env.device)
    assert events(env.c, receipt, "CutoffAcknowledged") == [{"agreement_id": aid, "journal_head": b"\x07" * 32}]
    assert env.state(aid)["cutoff_acknowledged"] is True
    reverts(env.c.functions.acknowledge_cutoff(aid, HEAD), env.device, "agreements: cutoff already acknowledged")

    reverts(env.c.functions.confirm_reconnection(aid, HEAD), env.device, "agreements: not ready for reconnection")
    receipt = transact(env.c.functions.allow_reconnection(aid), env.owner)
    assert events(env.c, receipt, "ReconnectionAllowed") == [{"agreement_id": aid}]
    assert (env.state(aid)["control_state"], env.state(aid)["cutoff_acknowledged"]) == (READY, False)

    receipt = transact(env.c.functions.confirm_reconnection(aid, b"\x08" * 32), env.device)
    assert events(env.c, receipt, "Reconnected") == [{"agreement_id": aid, "journal_head": b"\x08" * 32}]
    assert env.state(aid)["control_state"] == CONNECTED


def test_cutoff_and_reconnection_are_the_utilitys_alone(env):
    aid, _ = env.create()
    for who in (env.device, env.consumer, env.stranger):
        reverts(env.c.functions.order_cutoff(aid, "x"), who, "ownable_2step: caller is not the owner")
    transact(env.c.functions.order_cutoff(aid, "x"), env.owner)
    for who in (env.device, env.consumer, env.stranger):
        reverts(env.c.functions.allow_reconnection(aid), who, "ownable_2step: caller is not the owner")
    for who in (env.owner, env.consumer, env.stranger):
        reverts(env.c.functions.acknowledge_cutoff(aid, HEAD), who, "agreements: caller is not the device")
    transact(env.c.functions.allow_reconnection(aid), env.owner)
    for who in (env.owner, env.consumer, env.stranger):
        reverts(env.c.functions.confirm_reconnection(aid, HEAD), who, "agreements: caller is not the device")


def test_cutoff_transitions_only_from_the_right_states(env):
    aid, _ = env.create()
    reverts(env.c.functions.allow_reconnection(aid), env.owner, "agreements: not disconnected")
    reverts(env.c.functions.acknowledge_cutoff(aid, HEAD), env.device, "agreements: not disconnected")
    transact(env.c.functions.order_cutoff(aid, "a"), env.owner)
    reverts(env.c.functions.order_cutoff(aid, "b"), env.owner, "agreements: already disconnected")
    transact(env.c.functions.allow_reconnection(aid), env.owner)
    reverts(env.c.functions.allow_reconnection(aid), env.owner, "agreements: not disconnected")
    # a new cutoff may be ordered while the site waits for reconnection
    transact(env.c.functions.order_cutoff(aid, "c"), env.owner)
    assert env.state(aid)["control_state"] == DISCONNECTED
    reverts(env.c.functions.order_cutoff(5, "x"), env.owner, "agreements: unknown agreement")


def test_batches_continue_while_disconnected(env):
    aid, _ = env.create()
    transact(env.c.functions.order_cutoff(aid, "x"), env.owner)
    submit(env.c, env.device, aid, 1, 0, [0] * 4)
    assert env.state(aid)["next_slot"] == 4


# ---------------------------------------------------------------- periods


def test_period_closes_after_its_end_with_all_slots_in(env):
    aid, _ = env.create(slots_per_period=96, bonus=10_000, penalty=100, period_start=env.now() - 96 * QUARTER + 1000)
    submit(env.c, env.device, aid, 1, 0, IN[:90])
    reverts(env.c.functions.close_period(aid), env.owner, "agreements: period not over")
    env.travel(env.c.functions.period_end(aid).call())
    submit(env.c, env.device, aid, 2, 90, [0] * 6)
    receipt = transact(env.c.functions.close_period(aid), env.consumer)
    assert events(env.c, receipt, "PeriodClosed") == [{
        "agreement_id": aid, "period": 0, "missing_slots": 0, "penalty": 0, "credit_added": 9_400, "credit": 9_400}]
    assert events(env.c, receipt, "PeriodOpened") == [{"agreement_id": aid, "period": 1, "first_slot": 96, "bonus": 10_000}]
    s = env.state(aid)
    assert (s["period"], s["bonus"], s["credit"], s["next_slot"], s["penalised_slots"], s["last_batch_seq"]) == (1, 10_000, 9_400, 96, 0, 2)
    # the next period takes batches again once they are over, numbering goes on
    env.travel(env.now() + 8 * QUARTER)
    submit(env.c, env.device, aid, 3, 96, IN[:8])


def test_missing_slots_hold_the_period_open_until_the_grace_time(env):
    aid, _ = env.create(slots_per_period=96, bonus=10_000, penalty=100, grace=7200, period_start=env.now() - 96 * QUARTER)
    submit(env.c, env.device, aid, 1, 0, IN[:90])
    end = env.c.functions.period_end(aid).call()
    env.travel(end + 10)
    reverts(env.c.functions.close_period(aid), env.owner, "agreements: slots missing within grace time")
    env.travel(end + 7200)
    receipt = transact(env.c.functions.close_period(aid), env.device)
    closed = events(env.c, receipt, "PeriodClosed")[0]
    assert (closed["missing_slots"], closed["penalty"], closed["credit_added"]) == (6, 600, 9_400)
    reverts(submit_fn(env.c, aid, 2, 90, IN[:6]), env.device, "agreements: wrong first slot")
    assert env.state(aid)["next_slot"] == 96


def test_missing_slots_count_as_unmeasured_beyond_the_allowance(env):
    aid, _ = env.create(slots_per_period=96, bonus=100_000, penalty=100, grace=0, allowance=10,
                        period_start=env.now() - 96 * QUARTER)
    values = list(IN[:80])
    values[3] = values[4] = values[5] = UNMEASURED
    submit(env.c, env.device, aid, 1, 0, values)  # 3 of the 10 excused
    env.travel(env.c.functions.period_end(aid).call())
    receipt = transact(env.c.functions.close_period(aid), env.owner)
    closed = events(env.c, receipt, "PeriodClosed")[0]
    # 16 never submitted: 7 left of the allowance, 9 penalised
    assert (closed["missing_slots"], closed["penalty"], closed["credit"]) == (16, 900, 99_100)
    assert (env.state(aid)["excused_slots"], env.state(aid)["bonus"]) == (0, 100_000)  # a fresh period, a fresh allowance


def test_silence_is_not_free(env):
    # A device that sends nothing keeps nothing: every slot beyond the allowance is penalised.
    aid, _ = env.create(slots_per_period=96, bonus=10_000, penalty=100, grace=0, allowance=4,
                        period_start=env.now() - 96 * QUARTER)
    env.travel(env.c.functions.period_end(aid).call())
    closed = events(env.c, transact(env.c.functions.close_period(aid), env.owner), "PeriodClosed")[0]
    assert (closed["missing_slots"], closed["penalty"], closed["credit"]) == (96, 9_200, 800)


def test_closing_stops_before_the_period_number_overflows(env):
    # one-second periods of one slot since 1970: the 24-bit period number is the limit
    aid, _ = env.create(profile=[(0, 10)], slots_per_period=1, slot_seconds=1, grace=0, period_start=0)
    field = (2**24 - 1) << 152
    env.poke_run(aid, lambda run: (run & ~field) | ((2**24 - 3) << 152) | (2**24 - 3))
    transact(env.c.functions.close_period(aid), env.owner)
    assert env.state(aid)["period"] == 2**24 - 2
    transact(env.c.functions.close_period(aid), env.owner)
    assert (env.state(aid)["period"], env.state(aid)["next_slot"]) == (2**24 - 1, 2**24 - 1)
    reverts(env.c.functions.close_period(aid), env.owner, "agreements: agreement exhausted")


def test_credit_accumulates_over_periods_and_only_parties_close(env):
    aid, _ = env.create(slots_per_period=96, bonus=500, penalty=100, grace=0, period_start=env.now() - 3 * 96 * QUARTER)
    reverts(env.c.functions.close_period(aid), env.stranger, "agreements: caller may not close periods")
    submit(env.c, env.device, aid, 1, 0, [0] * 2 + IN[2:])
    transact(env.c.functions.close_period(aid), env.owner)  # credit 300
    submit(env.c, env.device, aid, 2, 96, IN)
    transact(env.c.functions.close_period(aid), env.device)  # credit 800
    assert env.state(aid)["credit"] == 800 and env.state(aid)["period"] == 2
    reverts(env.c.functions.close_period(7), env.owner, "agreements: unknown agreement")


# ---------------------------------------------------------------- adjustments


def test_utility_adjusts_bonus_with_a_reason(env):
    aid, _ = env.create(bonus=1_000)
    receipt = transact(env.c.functions.adjust_bonus(aid, -300, "meter fault, ticket 12"), env.owner)
    assert events(env.c, receipt, "BonusAdjusted") == [
        {"agreement_id": aid, "delta": -300, "bonus": 700, "reason": "meter fault, ticket 12"}]
    transact(env.c.functions.adjust_bonus(aid, 50, "goodwill"), env.owner)
    assert env.state(aid)["bonus"] == 750
    reverts(env.c.functions.adjust_bonus(aid, -751, "too much"), env.owner, "agreements: bonus below zero")
    reverts(env.c.functions.adjust_bonus(aid, 2**80, "too much"), env.owner, "agreements: bonus too large")
    reverts(env.c.functions.adjust_bonus(aid, 1, ""), env.owner, "agreements: reason required")
    reverts(env.c.functions.adjust_bonus(aid, 1, "x"), env.consumer, "ownable_2step: caller is not the owner")


def test_utility_adjusts_credit_with_a_reason(env):
    aid, _ = env.create()
    receipt = transact(env.c.functions.adjust_credit(aid, 400, "migration from old contract"), env.owner)
    assert events(env.c, receipt, "CreditAdjusted") == [
        {"agreement_id": aid, "delta": 400, "credit": 400, "reason": "migration from old contract"}]
    transact(env.c.functions.adjust_credit(aid, -150, "invoice 2026-11"), env.owner)
    assert env.c.functions.credit(aid).call() == 250
    reverts(env.c.functions.adjust_credit(aid, -251, "x"), env.owner, "agreements: credit below zero")
    reverts(env.c.functions.adjust_credit(aid, 1, ""), env.owner, "agreements: reason required")
    reverts(env.c.functions.adjust_credit(aid, 1, "x"), env.device, "ownable_2step: caller is not the owner")
    reverts(env.c.functions.adjust_credit(9, 1, "x"), env.owner, "agreements: unknown agreement")


# ---------------------------------------------------------------- pause


def test_pause_stops_money_but_not_cutoff(env):
    aid, _ = env.create(slots_per_period=96, grace=0, period_start=env.now() - 96 * QUARTER)
    reverts(env.c.functions.pause(), env.consumer, "ownable_2step: caller is not the owner")
    receipt = transact(env.c.functions.pause(), env.owner)
    assert events(env.c, receipt, "Paused") == [{"account": env.owner}]
    assert env.c.functions.paused().call() is True
    reverts(env.c.functions.pause(), env.owner, "pausable: paused")
    reverts(submit_fn(env.c, aid, 1, 0, IN[:8]), env.device, "pausable: paused")
    reverts(env.c.functions.report_emergency_shutdown(aid, HEAD), env.device, "pausable: paused")
    reverts(env.c.functions.close_period(aid), env.owner, "pausable: paused")
    reverts(env.c.functions.adjust_bonus(aid, 1, "x"), env.owner, "pausable: paused")
    reverts(env.c.functions.adjust_credit(aid, 1, "x"), env.owner, "pausable: paused")
    fn = env.c.functions.propose_agreement(env.consumer, env.device, env.start, QUARTER, 96, pack_profile(PROFILE), 1, 1, 1, 1, 0, 0, 0)
    reverts(fn, env.owner, "pausable: paused")
    transact(env.c.functions.order_cutoff(aid, "storm"), env.owner)
    transact(env.c.functions.acknowledge_cutoff(aid, HEAD), env.device)
    transact(env.c.functions.allow_reconnection(aid), env.owner)
    transact(env.c.functions.confirm_reconnection(aid, HEAD), env.device)
    reverts(env.c.functions.unpause(), env.device, "ownable_2step: caller is not the owner")
    receipt = transact(env.c.functions.unpause(), env.owner)
    assert events(env.c, receipt, "Unpaused") == [{"account": env.owner}]
    reverts(env.c.functions.unpause(), env.owner, "pausable: not paused")
    submit(env.c, env.device, aid, 1, 0, IN[:8])


# ---------------------------------------------------------------- ownership


def test_ownership_moves_in_two_steps(env):
    c = env.c
    reverts(c.functions.transfer_ownership(env.stranger), env.stranger, "ownable_2step: caller is not the owner")
    receipt = transact(c.functions.transfer_ownership(env.other), env.owner)
    assert events(c, receipt, "OwnershipTransferStarted") == [{"previous_owner": env.owner, "new_owner": env.other}]
    assert (c.functions.owner().call(), c.functions.pending_owner().call()) == (env.owner, env.other)
    reverts(c.functions.accept_ownership(), env.stranger, "ownable_2step: caller is not the new owner")
    transact(c.functions.pause(), env.owner)  # still the owner until accepted
    transact(c.functions.unpause(), env.owner)
    receipt = transact(c.functions.accept_ownership(), env.other)
    assert events(c, receipt, "OwnershipTransferred") == [{"previous_owner": env.owner, "new_owner": env.other}]
    assert (c.functions.owner().call(), c.functions.pending_owner().call()) == (env.other, "0x" + "00" * 20)
    reverts(c.functions.pause(), env.owner, "ownable_2step: caller is not the owner")
    transact(c.functions.pause(), env.other)


def test_a_pending_transfer_can_be_cancelled(env):
    transact(env.c.functions.transfer_ownership(env.other), env.owner)
    transact(env.c.functions.transfer_ownership("0x" + "00" * 20), env.owner)
    reverts(env.c.functions.accept_ownership(), env.other, "ownable_2step: caller is not the new owner")


def test_readme_calldata_vector(env):
    # The worked example in contracts/README.md, byte for byte.
    data = env.c.encode_abi("submit_batch", [7, 2, 96, 3, [(1 << 224) | (2 << 192) | (0xFFFFFFFF << 160)], b"\x11" * 32])
    readme = (REPO / "contracts" / "README.md").read_text()
    block = readme.split("is this calldata (selector, then one 32-byte word a line):")[1].split("**Profile**")[0]
    words = "".join(line.split()[0] for line in block.strip().splitlines() if line.strip())
    assert data == "0x" + words
