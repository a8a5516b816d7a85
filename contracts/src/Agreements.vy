# pragma version ~=0.4.3
# pragma evm-version london
"""
@title Flexibility agreements between a utility and its consumers
@notice One contract holds many agreements. The owner is the utility. Each
        agreement names a consumer and a metering device; the device submits
        per-slot consumption in batches, each slot is checked against the
        predicted interval of the agreement's daily profile, and every slot
        outside its interval costs a penalty deducted from the period's bonus
        (never below zero). Closing a period turns what is left of the bonus
        into discount credit for the consumer. The utility can order an
        emergency cutoff (DLMS/COSEM disconnect control states) and later allow
        reconnection. The exact rules are in contracts/README.md.
@dev Gas: the device-facing `submit_batch` reads two storage words: the
     global pause flag and the agreement's packed running state. The
     immutable terms and the interval profile live in the code of a small data
     contract (the terms store) written at creation, whose address follows
     from this contract's CREATE nonce kept in the state word: one cold call
     instead of dozens of cold storage reads. Eight slots are checked per
     32-byte word with lane-parallel (SWAR) arithmetic; the journal head is
     anchored in the event only; one storage word is written.
"""

from . import ownable_2step as ownable
from . import pausable

initializes: ownable
initializes: pausable

exports: (
    ownable.owner,
    ownable.pending_owner,
    ownable.transfer_ownership,
    ownable.accept_ownership,
    pausable.paused,
)

# ---------------------------------------------------------------- constants

# @dev The reserved consumption value of a slot the meter could not measure.
UNMEASURED: public(constant(uint256)) = 4294967295  # 0xFFFFFFFF

# @dev Unmeasured-slot policies: counted as a violation, or excused.
UNMEASURED_PENALISED: public(constant(uint8)) = 0
UNMEASURED_EXCUSED: public(constant(uint8)) = 1

# @dev DLMS/COSEM disconnect control `control_state` values.
DISCONNECTED: public(constant(uint8)) = 0
CONNECTED: public(constant(uint8)) = 1
READY_FOR_RECONNECTION: public(constant(uint8)) = 2

# @dev Largest daily profile: 288 slots (five-minute slots), 8 bytes a slot.
MAX_PROFILE_SLOTS: public(constant(uint256)) = 288
PROFILE_BYTES: constant(uint256) = 2304  # MAX_PROFILE_SLOTS * 8

# @dev Largest batch: 288 slots (a day of five-minute slots, three days of quarter hours)
#      in 36 words of eight uint32 values. A small bound keeps the memory that the
#      compiler reserves for `packed` (and so the memory expansion gas) small.
MAX_BATCH_SLOTS: public(constant(uint256)) = 288
MAX_BATCH_WORDS: constant(uint256) = 36

# @dev The terms store's data: two header words, then the minima and then the
#      widths (maximum - minimum) as uint32 lanes, eight to a word, each extended cyclically to
#      profile_len + 7 lanes (lane j = profile slot j % profile_len, so eight
#      consecutive lanes can be read from any start below profile_len) and
#      padded with zero lanes to whole words.
#      header 0: device (bits 0..159) | penalty_per_slot (160..207) | slots_per_period (208..231)
#                | profile_len (232..247) | unmeasured_policy (248..255)
#      header 1: slot_seconds (0..31) | period_start (32..95)
EXT_LANES: constant(uint256) = 295  # MAX_PROFILE_SLOTS + 7
EXT_WORDS: constant(uint256) = 37  # ceil(EXT_LANES / 8)
STORE_BYTES: constant(uint256) = 2432  # 64 + 2 * EXT_WORDS * 32

# @dev SWAR constants: bit 32 of each 64-bit container; 1 in each 64-bit
#      container; the low 32 bits of each container; the low 16 bits of each
#      32-bit lane; 1 in each 32-bit lane.
G32: constant(uint256) = 26959946667150639796128516724350533591920057417771119838357381709824  # 0x0000000100000000 x4
ONES64: constant(uint256) = 6277101735386680764176071790128604879584176795969512275969  # 0x0000000000000001 x4
LOW32: constant(uint256) = 26959946660873538060741835960174461801791452538186943042387869433855  # 0x00000000ffffffff x4
LOW16: constant(uint256) = 1766820105243087041267848467410591083712559083657179364930612997358944255  # 0x0000ffff x8
ONES32: constant(uint256) = 26959946673427741531515197488526605382048662297355296634326893985793  # 0x00000001 x8
MAX_U256: constant(uint256) = max_value(uint256)

# @dev Field limits.
MAX_SLOTS_PER_PERIOD: constant(uint256) = 16777215  # 2**24 - 1
MAX_U32: constant(uint256) = 4294967295
MAX_U40: constant(uint256) = 1099511627775
MAX_U96: constant(uint256) = 79228162514264337593543950335
MASK16: constant(uint256) = 65535
MASK24: constant(uint256) = 16777215
MASK32: constant(uint256) = 4294967295
MASK40: constant(uint256) = 1099511627775
MASK48: constant(uint256) = 281474976710655
MASK96: constant(uint256) = 79228162514264337593543950335
MASK160: constant(uint256) = 1461501637330902918203684832716283019655932542975

MAX_REASON: constant(uint256) = 128

# ---------------------------------------------------------------- storage
#
# _run[id]: next_slot (bits 0..39) | last_batch_seq (40..79) | bonus (80..175) | period (176..199)
#           | penalised_slots (200..223) | store_nonce (224..247) | control_state (248..251)
#           | cutoff_acknowledged (252)
# store_nonce is this contract's CREATE nonce for the agreement's terms store
# (the data contract with its immutable terms and profile); it is never 0 for
# an existing agreement.

_run: HashMap[uint256, uint256]

# @dev This contract's next CREATE nonce.
_create_nonce: uint256

# @dev Terms not needed on the device's hot path.
_consumer: HashMap[uint256, address]
_bonus_per_period: HashMap[uint256, uint256]
_emergency_penalty: HashMap[uint256, uint256]
_grace_seconds: HashMap[uint256, uint256]

# @dev Discount credit of each agreement's consumer, in the agreement's units.
credit: public(HashMap[uint256, uint256])

# @dev Number of agreements; ids are 0 .. agreement_count - 1.
agreement_count: public(uint256)


struct Agreement:
    consumer: address
    device: address
    period_start: uint256
    slot_seconds: uint256
    slots_per_period: uint256
    profile_len: uint256
    terms_store: address
    bonus_per_period: uint256
    penalty_per_slot: uint256
    emergency_penalty: uint256
    grace_seconds: uint256
    unmeasured_policy: uint8
    period: uint256
    next_slot: uint256
    last_batch_seq: uint256
    bonus: uint256
    penalised_slots: uint256
    control_state: uint8
    cutoff_acknowledged: bool
    credit: uint256

# ---------------------------------------------------------------- events


event AgreementCreated:
    agreement_id: indexed(uint256)
    consumer: indexed(address)
    device: indexed(address)
    period_start: uint256
    slot_seconds: uint256
    slots_per_period: uint256
    profile_hash: bytes32
    terms_store: address
    bonus_per_period: uint256
    penalty_per_slot: uint256
    emergency_penalty: uint256
    grace_seconds: uint256
    unmeasured_policy: uint8


event PeriodOpened:
    agreement_id: indexed(uint256)
    period: indexed(uint256)
    first_slot: uint256
    bonus: uint256


event BatchSubmitted:
    agreement_id: indexed(uint256)
    batch_seq: uint256
    first_slot: uint256
    slot_count: uint256
    violations: uint256
    unmeasured: uint256
    bonus: uint256
    journal_head: bytes32


event PeriodClosed:
    agreement_id: indexed(uint256)
    period: indexed(uint256)
    missing_slots: uint256
    penalty: uint256
    credit_added: uint256
    credit: uint256


event EmergencyShutdown:
    agreement_id: indexed(uint256)
    penalty: uint256
    bonus: uint256
    journal_head: bytes32


event CutoffOrdered:
    agreement_id: indexed(uint256)
    reason: String[MAX_REASON]


event CutoffAcknowledged:
    agreement_id: indexed(uint256)
    journal_head: bytes32


event ReconnectionAllowed:
    agreement_id: indexed(uint256)


event Reconnected:
    agreement_id: indexed(uint256)
    journal_head: bytes32


event BonusAdjusted:
    agreement_id: indexed(uint256)
    delta: int256
    bonus: uint256
    reason: String[MAX_REASON]


event CreditAdjusted:
    agreement_id: indexed(uint256)
    delta: int256
    credit: uint256
    reason: String[MAX_REASON]


event DeviceChanged:
    agreement_id: indexed(uint256)
    old_device: indexed(address)
    new_device: indexed(address)
    terms_store: address


@deploy
def __init__():
    ownable.__init__()
    # A contract's nonce starts at 1 (EIP-161); it counts the stores created.
    self._create_nonce = 1


# ---------------------------------------------------------------- owner: administration


@external
def pause():
    """
    @notice Stops every bonus and credit change (batches, emergency reports,
            period closing, adjustments, new agreements). Cutoff and
            reconnection keep working: grid safety never waits for an unpause.
    """
    ownable._check_owner()
    pausable._pause()


@external
def unpause():
    """
    @notice Lifts a pause.
    """
    ownable._check_owner()
    pausable._unpause()


@external
def create_agreement(
    consumer: address,
    device: address,
    period_start: uint256,
    slot_seconds: uint256,
    slots_per_period: uint256,
    profile: Bytes[PROFILE_BYTES],
    bonus_per_period: uint256,
    penalty_per_slot: uint256,
    emergency_penalty: uint256,
    grace_seconds: uint256,
    unmeasured_policy: uint8,
) -> uint256:
    """
    @notice Creates an agreement and opens its period 0 with a full bonus.
    @param consumer The consumer, who receives the credit.
    @param device The meter device's address, the only submitter of batches.
    @param period_start Unix time at which slot 0 (and period 0) starts.
    @param slot_seconds Length of a slot in seconds.
    @param slots_per_period Slots in one period; a multiple of the profile length.
    @param profile The daily interval profile: for each profile slot a big-endian
           uint32 minimum and a big-endian uint32 maximum in Wh (8 bytes a slot).
           Slot s of the agreement is checked against profile slot s % profile_len.
    @param bonus_per_period The bonus credited at the start of every period.
    @param penalty_per_slot Deducted from the bonus for every penalised slot.
    @param emergency_penalty Deducted for a reported emergency shutdown.
    @param grace_seconds After period end + grace, a period closes even with slots missing.
    @param unmeasured_policy 0: an unmeasured slot is penalised; 1: it is excused.
    @return The new agreement's id.
    """
    ownable._check_owner()
    pausable._require_not_paused()
    assert consumer != empty(address), "agreements: zero consumer"
    assert device != empty(address), "agreements: zero device"
    assert slot_seconds != 0 and slot_seconds <= MAX_U32, "agreements: bad slot length"
    assert period_start <= MAX_U40, "agreements: bad period start"
    plen: uint256 = len(profile) // 8
    assert plen != 0 and len(profile) % 8 == 0, "agreements: bad profile length"
    assert slots_per_period != 0 and slots_per_period <= MAX_SLOTS_PER_PERIOD, "agreements: bad slots per period"
    assert slots_per_period % plen == 0, "agreements: period not a whole number of profiles"
    assert bonus_per_period <= MAX_U96, "agreements: bonus too large"
    assert penalty_per_slot <= MASK48, "agreements: penalty too large"
    assert emergency_penalty <= MAX_U96, "agreements: emergency penalty too large"
    assert grace_seconds <= MAX_U32, "agreements: grace too long"
    assert unmeasured_policy <= UNMEASURED_EXCUSED, "agreements: bad unmeasured policy"

    # The profile's lanes, extended cyclically (see the store layout above).
    mins: DynArray[uint256, EXT_WORDS] = []
    widths: DynArray[uint256, EXT_WORDS] = []
    acc_lo: uint256 = 0
    acc_hi: uint256 = 0
    ext: uint256 = plen + 7
    for j: uint256 in range(ext, bound=EXT_LANES):
        k: uint256 = j % plen
        lo: uint256 = convert(slice(profile, k * 8, 4), uint256)
        hi: uint256 = convert(slice(profile, k * 8 + 4, 4), uint256)
        if j < plen:
            assert lo <= hi, "agreements: profile minimum above maximum"
            assert hi < UNMEASURED, "agreements: profile maximum is the unmeasured marker"
        acc_lo = (acc_lo << 32) | lo
        acc_hi = (acc_hi << 32) | (hi - lo)
        if j % 8 == 7:
            mins.append(acc_lo)
            widths.append(acc_hi)
            acc_lo = 0
            acc_hi = 0
    if ext % 8 != 0:
        mins.append(acc_lo << (32 * (8 - ext % 8)))
        widths.append(acc_hi << (32 * (8 - ext % 8)))
    n: uint256 = 32 * len(mins)
    lanes: Bytes[2496] = concat(slice(abi_encode(mins), 64, n), slice(abi_encode(widths), 64, n))
    header1: uint256 = slot_seconds | (period_start << 32)
    nonce: uint256 = 0
    store: address = empty(address)
    nonce, store = self._create_store(
        convert(device, uint256)
        | (penalty_per_slot << 160)
        | (slots_per_period << 208)
        | (plen << 232)
        | (convert(unmeasured_policy, uint256) << 248),
        header1,
        lanes,
    )

    agreement_id: uint256 = self.agreement_count
    self.agreement_count = agreement_id + 1
    self._run[agreement_id] = (bonus_per_period << 80) | (nonce << 224) | (convert(CONNECTED, uint256) << 248)
    self._consumer[agreement_id] = consumer
    self._bonus_per_period[agreement_id] = bonus_per_period
    self._emergency_penalty[agreement_id] = emergency_penalty
    self._grace_seconds[agreement_id] = grace_seconds

    log AgreementCreated(
        agreement_id=agreement_id,
        consumer=consumer,
        device=device,
        period_start=period_start,
        slot_seconds=slot_seconds,
        slots_per_period=slots_per_period,
        profile_hash=keccak256(profile),
        terms_store=store,
        bonus_per_period=bonus_per_period,
        penalty_per_slot=penalty_per_slot,
        emergency_penalty=emergency_penalty,
        grace_seconds=grace_seconds,
        unmeasured_policy=unmeasured_policy,
    )
    log PeriodOpened(agreement_id=agreement_id, period=0, first_slot=0, bonus=bonus_per_period)
    return agreement_id


@external
def set_device(agreement_id: uint256, new_device: address):
    """
    @notice Replaces the device key of an agreement (a replaced or re-keyed
            meter); the terms are copied to a new store with the new device.
    @param agreement_id The agreement.
    @param new_device The new device address.
    """
    ownable._check_owner()
    run: uint256 = self._existing_run(agreement_id)
    assert new_device != empty(address), "agreements: zero device"
    data: Bytes[STORE_BYTES] = self._read_store(run)
    h0: uint256 = convert(extract32(data, 0), uint256)
    old_device: address = convert(h0 & MASK160, address)
    lanes: Bytes[2496] = slice(data, 64, len(data) - 64)
    nonce: uint256 = 0
    store: address = empty(address)
    nonce, store = self._create_store(
        (h0 & ~MASK160) | convert(new_device, uint256), convert(extract32(data, 32), uint256), lanes
    )
    self._run[agreement_id] = (run & ~(MASK24 << 224)) | (nonce << 224)
    log DeviceChanged(agreement_id=agreement_id, old_device=old_device, new_device=new_device, terms_store=store)


@external
def adjust_bonus(agreement_id: uint256, delta: int256, reason: String[MAX_REASON]):
    """
    @notice Adds `delta` (negative to deduct) to the open period's bonus.
    @param agreement_id The agreement.
    @param delta The change; the result must stay within 0 .. 2**96 - 1.
    @param reason Why, recorded in the event; must not be empty.
    """
    ownable._check_owner()
    pausable._require_not_paused()
    assert len(reason) != 0, "agreements: reason required"
    run: uint256 = self._existing_run(agreement_id)
    bonus: int256 = convert((run >> 80) & MASK96, int256) + delta
    assert bonus >= 0, "agreements: bonus below zero"
    assert bonus <= convert(MAX_U96, int256), "agreements: bonus too large"
    new_bonus: uint256 = convert(bonus, uint256)
    self._run[agreement_id] = (run & ~(MASK96 << 80)) | (new_bonus << 80)
    log BonusAdjusted(agreement_id=agreement_id, delta=delta, bonus=new_bonus, reason=reason)


@external
def adjust_credit(agreement_id: uint256, delta: int256, reason: String[MAX_REASON]):
    """
    @notice Adds `delta` to the consumer's credit; a negative delta records
            credit used (for example on an invoice).
    @param agreement_id The agreement.
    @param delta The change; the credit must not fall below zero.
    @param reason Why, recorded in the event; must not be empty.
    """
    ownable._check_owner()
    pausable._require_not_paused()
    assert len(reason) != 0, "agreements: reason required"
    self._existing_run(agreement_id)
    credit: int256 = convert(self.credit[agreement_id], int256) + delta
    assert credit >= 0, "agreements: credit below zero"
    new_credit: uint256 = convert(credit, uint256)
    self.credit[agreement_id] = new_credit
    log CreditAdjusted(agreement_id=agreement_id, delta=delta, credit=new_credit, reason=reason)


# ---------------------------------------------------------------- disconnect control


@external
def order_cutoff(agreement_id: uint256, reason: String[MAX_REASON]):
    """
    @notice Orders an emergency cutoff (remote_disconnect): the control state
            becomes disconnected and the device opens its relay. Allowed from
            connected or ready-for-reconnection; works while paused.
    @param agreement_id The agreement.
    @param reason Why, recorded in the event.
    """
    ownable._check_owner()
    run: uint256 = self._existing_run(agreement_id)
    assert self._control_state(run) != DISCONNECTED, "agreements: already disconnected"
    self._run[agreement_id] = self._with_control(run, DISCONNECTED, False)
    log CutoffOrdered(agreement_id=agreement_id, reason=reason)


@external
def acknowledge_cutoff(agreement_id: uint256, journal_head: bytes32):
    """
    @notice The device confirms it executed the cutoff, anchoring its journal
            head at that moment. Once per cutoff order.
    @param agreement_id The agreement.
    @param journal_head The device journal's head hash after journaling the cutoff.
    """
    self._check_device(agreement_id)
    run: uint256 = self._run[agreement_id]
    assert self._control_state(run) == DISCONNECTED, "agreements: not disconnected"
    assert (run >> 252) & 1 == 0, "agreements: cutoff already acknowledged"
    self._run[agreement_id] = self._with_control(run, DISCONNECTED, True)
    log CutoffAcknowledged(agreement_id=agreement_id, journal_head=journal_head)


@external
def allow_reconnection(agreement_id: uint256):
    """
    @notice The utility allows reconnection (remote_reconnect): disconnected
            becomes ready-for-reconnection; the device then reconnects locally
            and calls `confirm_reconnection`. Works while paused.
    @param agreement_id The agreement.
    """
    ownable._check_owner()
    run: uint256 = self._existing_run(agreement_id)
    assert self._control_state(run) == DISCONNECTED, "agreements: not disconnected"
    self._run[agreement_id] = self._with_control(run, READY_FOR_RECONNECTION, False)
    log ReconnectionAllowed(agreement_id=agreement_id)


@external
def confirm_reconnection(agreement_id: uint256, journal_head: bytes32):
    """
    @notice The device reports that it closed its relay again after the
            utility allowed it: ready-for-reconnection becomes connected.
    @param agreement_id The agreement.
    @param journal_head The device journal's head hash after journaling the reconnection.
    """
    self._check_device(agreement_id)
    run: uint256 = self._run[agreement_id]
    assert self._control_state(run) == READY_FOR_RECONNECTION, "agreements: not ready for reconnection"
    self._run[agreement_id] = self._with_control(run, CONNECTED, False)
    log Reconnected(agreement_id=agreement_id, journal_head=journal_head)


@external
def report_emergency_shutdown(agreement_id: uint256, journal_head: bytes32):
    """
    @notice The device reports a local emergency shutdown (a limiter trip);
            the agreement's emergency penalty is deducted from the bonus,
            never below zero. The control state is not changed.
    @param agreement_id The agreement.
    @param journal_head The device journal's head hash after journaling the trip.
    """
    pausable._require_not_paused()
    self._check_device(agreement_id)
    run: uint256 = self._run[agreement_id]
    bonus: uint256 = (run >> 80) & MASK96
    penalty: uint256 = min(self._emergency_penalty[agreement_id], bonus)
    bonus = unsafe_sub(bonus, penalty)
    self._run[agreement_id] = (run & ~(MASK96 << 80)) | (bonus << 80)
    log EmergencyShutdown(agreement_id=agreement_id, penalty=penalty, bonus=bonus, journal_head=journal_head)


# ---------------------------------------------------------------- device: batches


@external
def submit_batch(
    agreement_id: uint256,
    batch_seq: uint64,
    first_slot: uint64,
    slot_count: uint16,
    packed: DynArray[uint256, MAX_BATCH_WORDS],
    journal_head: bytes32,
):
    """
    @notice Submits the consumption of `slot_count` consecutive slots.
    @dev Each word of `packed` holds eight big-endian uint32 Wh values, the
         first slot in the most significant four bytes; the unused values of
         the last word must be zero. The slots must lie in the open period.
         The contract does not compare slot times with the block time: the
         device's clock and the chain's block times may differ by a block
         period, and the batch number and next slot already make submission
         exactly-once.
    @param agreement_id The agreement; the caller must be its device.
    @param batch_seq Exactly the last accepted batch number plus one (the first is 1).
    @param first_slot Exactly the next slot not yet submitted.
    @param slot_count 1 .. 288 slots.
    @param packed ceil(slot_count / 8) words of packed consumption.
    @param journal_head The device journal's head hash covering these slots.
    """
    pausable._require_not_paused()
    run: uint256 = self._run[agreement_id]
    nonce: uint256 = (run >> 224) & MASK24
    assert nonce != 0, "agreements: unknown agreement"
    data: Bytes[STORE_BYTES] = raw_call(self._store_address(nonce), b"", max_outsize=STORE_BYTES, is_static_call=True)
    h0: uint256 = convert(extract32(data, 0), uint256)
    assert msg.sender == convert(h0 & MASK160, address), "agreements: caller is not the device"
    assert convert(batch_seq, uint256) == ((run >> 40) & MASK40) + 1, "agreements: wrong batch number"
    assert convert(batch_seq, uint256) <= MASK40, "agreements: batch numbers exhausted"
    start: uint256 = run & MASK40
    assert convert(first_slot, uint256) == start, "agreements: wrong first slot"
    count: uint256 = convert(slot_count, uint256)
    assert count != 0, "agreements: empty batch"
    words: uint256 = len(packed)
    assert words == unsafe_div(unsafe_add(count, 7), 8), "agreements: packed length mismatch"
    end: uint256 = start + count
    period: uint256 = (run >> 176) & MASK24
    assert end <= (period + 1) * ((h0 >> 208) & MASK24), "agreements: batch beyond the open period"
    # the unused lanes of the last word: pad_bits = 32 * (8 * words - count) < 256
    pad_bits: uint256 = unsafe_sub(unsafe_mul(words, 8), count) << 5
    assert packed[unsafe_sub(words, 1)] << unsafe_sub(256, pad_bits) == 0 or pad_bits == 0, "agreements: nonzero padding"

    # Eight slots per word (SWAR). Lanes are split into the low halves of four
    # 64-bit containers (even lanes: c >> 32 & LOW32, odd lanes: c & LOW32).
    # In a container with v, lo and hi below 2**32:
    #   d = ((v | 2**32) - lo) & LOW32 is (v - lo) mod 2**32, and
    #   ((hi - lo) | 2**32) - d keeps bit 32 iff d <= hi - lo,
    # that is iff lo <= v <= hi (a v below lo wraps to d > hi - lo);
    #   v + 1 has bit 32 iff v is 0xFFFFFFFF.
    # No borrow or carry leaves a container. The flags are moved to bit 0 of
    # their 32-bit lane and summed lane-wise (a lane gains at most 1 per word,
    # at most 36 in all), then added up across lanes with one multiplication.
    # The store holds the minima and the widths hi - lo; p < plen <= 288 and it
    # holds plen + 7 lanes of each, so both extract32 offsets stay within the
    # store data (extract32 checks it again).
    plen4: uint256 = ((h0 >> 232) & MASK16) << 2
    wd_off: uint256 = unsafe_add(32, len(data) >> 1)  # 64 + half of the lanes
    p4: uint256 = (start << 2) % plen4
    # acc holds two counters per 32-bit lane: slots in their interval (bits
    # 0..15 of the lane) and unmeasured slots (bits 16..31); at most 36 each.
    acc: uint256 = 0
    iflags: uint256 = 0
    for c: uint256 in packed:
        lo: uint256 = convert(extract32(data, unsafe_add(64, p4)), uint256)
        wd: uint256 = convert(extract32(data, unsafe_add(wd_off, p4)), uint256)
        ce: uint256 = (c >> 32) & LOW32
        co: uint256 = c & LOW32
        iflags = (
            (unsafe_sub(((wd >> 32) & LOW32) | G32, unsafe_sub(ce | G32, (lo >> 32) & LOW32) & LOW32) & G32)
            | ((unsafe_sub((wd & LOW32) | G32, unsafe_sub(co | G32, lo & LOW32) & LOW32) & G32) >> 32)
        )
        acc = unsafe_add(
            acc, iflags | ((unsafe_add(ce, ONES64) & G32) << 16) | ((unsafe_add(co, ONES64) & G32) >> 16)
        )
        p4 = unsafe_add(p4, 32) % plen4
    # The padding lanes of the last word hold 0, never unmeasured; take their
    # in-interval flags back out of the lane sums.
    acc = unsafe_sub(acc, iflags & ~(MAX_U256 << pad_bits))
    # Every slot is exactly one of: in its interval, unmeasured (above every
    # maximum, since maxima are below 0xFFFFFFFF), or a violation.
    unmeasured: uint256 = unsafe_mul((acc >> 16) & LOW16, ONES32) >> 224
    inside: uint256 = unsafe_mul(acc & LOW16, ONES32) >> 224
    violations: uint256 = unsafe_sub(unsafe_sub(count, inside), unmeasured)

    charged: uint256 = violations
    if h0 >> 248 == convert(UNMEASURED_PENALISED, uint256):
        charged = unsafe_add(charged, unmeasured)
    # charged <= 288 and the penalty is < 2**48: the product is < 2**57.
    penalty: uint256 = unsafe_mul(charged, (h0 >> 160) & MASK48)
    bonus: uint256 = (run >> 80) & MASK96
    penalty = min(penalty, bonus)
    bonus = unsafe_sub(bonus, penalty)
    # penalised slots of a period <= slots submitted in it <= slots_per_period < 2**24.
    self._run[agreement_id] = (
        end
        | (convert(batch_seq, uint256) << 40)
        | (bonus << 80)
        | (period << 176)
        | (unsafe_add((run >> 200) & MASK24, charged) << 200)
        | ((run >> 224) << 224)
    )
    log BatchSubmitted(
        agreement_id=agreement_id,
        batch_seq=convert(batch_seq, uint256),
        first_slot=start,
        slot_count=count,
        violations=violations,
        unmeasured=unmeasured,
        bonus=bonus,
        journal_head=journal_head,
    )


# ---------------------------------------------------------------- periods


@external
def close_period(agreement_id: uint256):
    """
    @notice Closes the open period and opens the next with a fresh bonus.
            Allowed to the utility, the device and the consumer once the period
            has ended and all its slots are in, or once its grace time has
            passed; then every missing slot counts as an unmeasured slot.
            What is left of the bonus is added to the consumer's credit.
    @param agreement_id The agreement.
    """
    pausable._require_not_paused()
    run: uint256 = self._existing_run(agreement_id)
    data: Bytes[STORE_BYTES] = self._read_store(run)
    h0: uint256 = convert(extract32(data, 0), uint256)
    h1: uint256 = convert(extract32(data, 32), uint256)
    assert (
        msg.sender == ownable.owner
        or msg.sender == convert(h0 & MASK160, address)
        or msg.sender == self._consumer[agreement_id]
    ), "agreements: caller may not close periods"
    period: uint256 = (run >> 176) & MASK24
    end_slot: uint256 = (period + 1) * ((h0 >> 208) & MASK24)
    # The next period's slots must fit the 40-bit slot field and its number the
    # 24-bit period field; submit_batch relies on it (end <= (period + 1) * spp).
    assert (period + 2) * ((h0 >> 208) & MASK24) <= MASK40 and period + 1 <= MASK24, "agreements: agreement exhausted"
    period_end: uint256 = (h1 >> 32) + end_slot * (h1 & MASK32)
    assert block.timestamp >= period_end, "agreements: period not over"
    missing: uint256 = end_slot - (run & MASK40)
    if missing != 0:
        assert block.timestamp >= period_end + self._grace_seconds[agreement_id], "agreements: slots missing within grace time"

    bonus: uint256 = (run >> 80) & MASK96
    penalty: uint256 = 0
    if h0 >> 248 == convert(UNMEASURED_PENALISED, uint256):
        penalty = min(missing * ((h0 >> 160) & MASK48), bonus)
        bonus -= penalty
    credit: uint256 = self.credit[agreement_id] + bonus
    self.credit[agreement_id] = credit
    log PeriodClosed(
        agreement_id=agreement_id,
        period=period,
        missing_slots=missing,
        penalty=penalty,
        credit_added=bonus,
        credit=credit,
    )

    fresh: uint256 = self._bonus_per_period[agreement_id]
    self._run[agreement_id] = (
        end_slot
        | (run & (MASK40 << 40))
        | (fresh << 80)
        | ((period + 1) << 176)
        | ((run >> 224) << 224)
    )
    log PeriodOpened(agreement_id=agreement_id, period=period + 1, first_slot=end_slot, bonus=fresh)


# ---------------------------------------------------------------- views


@external
@view
def agreement(agreement_id: uint256) -> Agreement:
    """
    @notice Everything about an agreement: terms, running state and credit.
    @param agreement_id The agreement; reverts when unknown.
    """
    run: uint256 = self._existing_run(agreement_id)
    data: Bytes[STORE_BYTES] = self._read_store(run)
    h0: uint256 = convert(extract32(data, 0), uint256)
    h1: uint256 = convert(extract32(data, 32), uint256)
    return Agreement(
        consumer=self._consumer[agreement_id],
        device=convert(h0 & MASK160, address),
        period_start=h1 >> 32,
        slot_seconds=h1 & MASK32,
        slots_per_period=(h0 >> 208) & MASK24,
        profile_len=(h0 >> 232) & MASK16,
        terms_store=self._store_address((run >> 224) & MASK24),
        bonus_per_period=self._bonus_per_period[agreement_id],
        penalty_per_slot=(h0 >> 160) & MASK48,
        emergency_penalty=self._emergency_penalty[agreement_id],
        grace_seconds=self._grace_seconds[agreement_id],
        unmeasured_policy=convert(h0 >> 248, uint8),
        period=(run >> 176) & MASK24,
        next_slot=run & MASK40,
        last_batch_seq=(run >> 40) & MASK40,
        bonus=(run >> 80) & MASK96,
        penalised_slots=(run >> 200) & MASK24,
        control_state=self._control_state(run),
        cutoff_acknowledged=(run >> 252) & 1 == 1,
        credit=self.credit[agreement_id],
    )


@external
@view
def device_state(agreement_id: uint256) -> (address, uint256, uint256, uint8, bool):
    """
    @notice What a device needs before submitting: its address, the last
            accepted batch number, the next slot, the control state and whether
            the current cutoff is acknowledged.
    @param agreement_id The agreement; reverts when unknown.
    """
    run: uint256 = self._existing_run(agreement_id)
    data: Bytes[STORE_BYTES] = self._read_store(run)
    return (
        convert(convert(extract32(data, 0), uint256) & MASK160, address),
        (run >> 40) & MASK40,
        run & MASK40,
        self._control_state(run),
        (run >> 252) & 1 == 1,
    )


@external
@view
def profile(agreement_id: uint256) -> (DynArray[uint256, MAX_PROFILE_SLOTS], DynArray[uint256, MAX_PROFILE_SLOTS]):
    """
    @notice The agreement's daily profile: the minima and the maxima in Wh,
            one entry per profile slot.
    @param agreement_id The agreement; reverts when unknown.
    """
    data: Bytes[STORE_BYTES] = self._read_store(self._existing_run(agreement_id))
    hi_off: uint256 = 32 + len(data) // 2
    mins: DynArray[uint256, MAX_PROFILE_SLOTS] = []
    maxs: DynArray[uint256, MAX_PROFILE_SLOTS] = []
    for k: uint256 in range((convert(extract32(data, 0), uint256) >> 232) & MASK16, bound=MAX_PROFILE_SLOTS):
        lo: uint256 = convert(slice(data, 64 + k * 4, 4), uint256)
        mins.append(lo)
        maxs.append(lo + convert(slice(data, hi_off + k * 4, 4), uint256))
    return mins, maxs


@external
@view
def period_end(agreement_id: uint256) -> uint256:
    """
    @notice Unix time at which the open period ends.
    @param agreement_id The agreement; reverts when unknown.
    """
    run: uint256 = self._existing_run(agreement_id)
    data: Bytes[STORE_BYTES] = self._read_store(run)
    h0: uint256 = convert(extract32(data, 0), uint256)
    h1: uint256 = convert(extract32(data, 32), uint256)
    return (h1 >> 32) + (((run >> 176) & MASK24) + 1) * ((h0 >> 208) & MASK24) * (h1 & MASK32)


# ---------------------------------------------------------------- internals


@internal
def _create_store(header0: uint256, header1: uint256, lanes: Bytes[2496]) -> (uint256, address):
    # The terms store: init code and runtime are both
    # PUSH2 n, DUP1, PUSH1 12, PUSH1 0, CODECOPY, PUSH1 0, RETURN, followed by
    # the n bytes they copy out, so the runtime returns its data to any call
    # and does nothing else. Its address follows from this contract's CREATE
    # nonce, which is all the agreement keeps (24 bits of its state word).
    data: Bytes[2560] = concat(convert(header0, bytes32), convert(header1, bytes32), lanes)
    runtime: Bytes[2572] = concat(
        b"\x61", convert(convert(len(data), uint16), bytes2), b"\x80\x60\x0c\x60\x00\x39\x60\x00\xf3", data
    )
    initcode: Bytes[2584] = concat(
        b"\x61", convert(convert(len(runtime), uint16), bytes2), b"\x80\x60\x0c\x60\x00\x39\x60\x00\xf3", runtime
    )
    nonce: uint256 = self._create_nonce
    assert nonce <= MASK24, "agreements: store nonces exhausted"
    store: address = raw_create(initcode)
    assert store == self._store_address(nonce), "agreements: store address mismatch"
    self._create_nonce = nonce + 1
    return nonce, store


@internal
@view
def _store_address(nonce: uint256) -> address:
    # keccak256(rlp([this contract, nonce]))[12:], for 1 <= nonce < 2**24.
    h: bytes32 = empty(bytes32)
    if nonce < 128:
        h = keccak256(concat(b"\xd6\x94", convert(self, bytes20), slice(convert(nonce, bytes32), 31, 1)))
    elif nonce < 256:
        h = keccak256(concat(b"\xd7\x94", convert(self, bytes20), b"\x81", slice(convert(nonce, bytes32), 31, 1)))
    elif nonce < 65536:
        h = keccak256(concat(b"\xd8\x94", convert(self, bytes20), b"\x82", slice(convert(nonce, bytes32), 30, 2)))
    else:
        h = keccak256(concat(b"\xd9\x94", convert(self, bytes20), b"\x83", slice(convert(nonce, bytes32), 29, 3)))
    return convert(convert(h, uint256) & MASK160, address)


@internal
@view
def _read_store(run: uint256) -> Bytes[STORE_BYTES]:
    return raw_call(self._store_address((run >> 224) & MASK24), b"", max_outsize=STORE_BYTES, is_static_call=True)


@internal
@pure
def _control_state(run: uint256) -> uint8:
    return convert((run >> 248) & 15, uint8)


@internal
@pure
def _with_control(run: uint256, state: uint8, acknowledged: bool) -> uint256:
    ack: uint256 = 0
    if acknowledged:
        ack = 1
    return (run & ~(convert(255, uint256) << 248)) | (convert(state, uint256) << 248) | (ack << 252)


@internal
@view
def _existing_run(agreement_id: uint256) -> uint256:
    assert agreement_id < self.agreement_count, "agreements: unknown agreement"
    return self._run[agreement_id]


@internal
@view
def _check_device(agreement_id: uint256):
    data: Bytes[STORE_BYTES] = self._read_store(self._existing_run(agreement_id))
    assert msg.sender == convert(convert(extract32(data, 0), uint256) & MASK160, address), "agreements: caller is not the device"
