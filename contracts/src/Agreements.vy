# pragma version ~=0.4.3
# pragma evm-version london
"""
@title Flexibility agreements between a utility and its consumers
@notice One contract holds many agreements. The owner is the utility. The
        utility proposes an agreement; it becomes active only when its consumer
        accepts it (by a transaction, or by an EIP-712 signature anyone may
        submit). An active agreement's device submits per-slot consumption in
        batches of slots that have ended; each slot is checked against the
        predicted interval of the agreement's daily profile, and every slot
        outside its interval, and every unmeasured slot beyond the period's
        allowance, costs a penalty deducted from the period's bonus (never
        below zero). Closing a period turns what is left of the bonus into
        discount credit for the consumer. The utility can order an emergency
        cutoff (DLMS/COSEM disconnect control states) and later allow
        reconnection. The exact rules are in contracts/README.md.
@dev Gas: the device-facing `submit_batch` reads two storage words: the
     global pause flag and the agreement's packed running state. The
     immutable terms and the interval profile live in the code of a small data
     contract (the terms store) written at proposal, whose address follows
     from this contract's CREATE nonce kept in the state word: one cold call
     instead of dozens of cold storage reads. Eight slots are checked per
     32-byte word with lane-parallel (SWAR) arithmetic; the journal head is
     anchored in the event only; one storage word is written.
"""

from . import eip712
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

# @dev Agreement status (the `status` field of `agreement` and `device_state`):
#      proposed by the utility, not yet accepted by the consumer; active;
#      active in its final period (a successor takes over at the next period);
#      ended (no more batches).
PROPOSED: public(constant(uint8)) = 0
ACTIVE: public(constant(uint8)) = 1
FINAL_PERIOD: public(constant(uint8)) = 2
ENDED: public(constant(uint8)) = 3

# @dev DLMS/COSEM disconnect control `control_state` values.
DISCONNECTED: public(constant(uint8)) = 0
CONNECTED: public(constant(uint8)) = 1
READY_FOR_RECONNECTION: public(constant(uint8)) = 2

# @dev Largest daily profile: 288 slots (five-minute slots), 8 bytes a slot.
#      The argument holds up to 1,024 slots so that a profile that is too long
#      gets this contract's reason rather than the ABI decoder's bare revert.
MAX_PROFILE_SLOTS: public(constant(uint256)) = 288
PROFILE_ARG_BYTES: constant(uint256) = 8192

# @dev Largest batch: 288 slots (a day of five-minute slots, three days of quarter hours).
#      `packed` may hold one word more (up to 296 slots) so that a batch just
#      over the limit gets this contract's reason; the compiler copies `packed`
#      into memory sized by this bound, so a larger bound costs gas on every
#      batch. A longer `packed` is refused by the ABI decoder without a reason.
MAX_BATCH_SLOTS: public(constant(uint256)) = 288
PACKED_ARG_WORDS: constant(uint256) = 37

# @dev EIP-712 type of the consumer's signed acceptance.
ACCEPT_AGREEMENT_TYPEHASH: constant(bytes32) = keccak256("AcceptAgreement(uint256 agreementId,address termsStore)")

# @dev The terms store's data: two header words, then the minima and then the
#      widths (maximum - minimum) as uint32 lanes, eight to a word, each extended cyclically to
#      profile_len + 7 lanes (lane j = profile slot j % profile_len, so eight
#      consecutive lanes can be read from any start below profile_len) and
#      padded with zero lanes to whole words.
#      header 0: device (bits 0..159) | penalty_per_slot (160..207) | slots_per_period (208..231)
#                | profile_len (232..247)
#      header 1: slot_seconds (0..31) | period_start (32..71) | slot_tolerance (96..127)
#                | unmeasured_allowance (128..143)
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
MAX_U80: constant(uint256) = 1208925819614629174706175
MAX_U96: constant(uint256) = 79228162514264337593543950335
MASK16: constant(uint256) = 65535
MASK24: constant(uint256) = 16777215
MASK32: constant(uint256) = 4294967295
MASK40: constant(uint256) = 1099511627775
MASK48: constant(uint256) = 281474976710655
MASK80: constant(uint256) = 1208925819614629174706175
MASK160: constant(uint256) = 1461501637330902918203684832716283019655932542975

MAX_REASON: constant(uint256) = 128

# ---------------------------------------------------------------- storage
#
# _run[id]: next_slot (bits 0..39) | last_batch_seq (40..71) | bonus (72..151) | period (152..175)
#           | penalised_slots (176..199) | excused_slots (200..215) | store_nonce (216..239)
#           | control_state (240..243) | cutoff_acknowledged (244)
#           | accepted and not ended (248) | final period (249) | ended (250)
# store_nonce is this contract's CREATE nonce for the agreement's terms store
# (the data contract with its immutable terms and profile); it is never 0 for
# an existing agreement. excused_slots counts the open period's unmeasured
# slots excused so far (at most the allowance).

_run: HashMap[uint256, uint256]

RUN_ACTIVE: constant(uint256) = 248
RUN_FINAL: constant(uint256) = 249
RUN_ENDED: constant(uint256) = 250
RUN_CONTROL: constant(uint256) = 240
RUN_ACK: constant(uint256) = 244

# @dev This contract's next CREATE nonce.
_create_nonce: uint256

# @dev Terms not needed on the device's hot path.
_consumer: HashMap[uint256, address]
_bonus_per_period: HashMap[uint256, uint256]
_emergency_penalty: HashMap[uint256, uint256]
_grace_seconds: HashMap[uint256, uint256]
_device_notice_seconds: HashMap[uint256, uint256]

# @dev A proposed device change: the new device and the time from which the
#      utility may apply it without the consumer's acceptance.
_pending_device: HashMap[uint256, address]
_device_change_at: HashMap[uint256, uint256]

# @dev The agreement a proposal replaces, plus one (0: replaces none).
_replaces: HashMap[uint256, uint256]

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
    unmeasured_allowance: uint256
    period: uint256
    next_slot: uint256
    last_batch_seq: uint256
    bonus: uint256
    penalised_slots: uint256
    control_state: uint8
    cutoff_acknowledged: bool
    credit: uint256
    status: uint8
    excused_slots: uint256
    slot_tolerance: uint256
    device_notice_seconds: uint256
    pending_device: address
    device_change_at: uint256
    replaces: uint256

# ---------------------------------------------------------------- events


event AgreementProposed:
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
    unmeasured_allowance: uint256
    slot_tolerance: uint256
    device_notice_seconds: uint256


event ChangeProposed:
    agreement_id: indexed(uint256)
    successor_id: indexed(uint256)
    from_period: uint256


event AgreementAccepted:
    agreement_id: indexed(uint256)
    consumer: indexed(address)
    terms_store: address


event FinalPeriod:
    agreement_id: indexed(uint256)
    period: indexed(uint256)
    successor_id: uint256


event AgreementEnded:
    agreement_id: indexed(uint256)
    period: indexed(uint256)


event PeriodOpened:
    agreement_id: indexed(uint256)
    period: indexed(uint256)
    first_slot: uint256
    bonus: uint256


# @dev `batch` packs the batch's counters into one word (each data word of an
#      event costs 256 gas; see `unpack_batch`): batch_seq (bits 0..31) |
#      first_slot (32..71) | slot_count (72..87) | violations (88..103) |
#      unmeasured (104..119).
event BatchSubmitted:
    agreement_id: indexed(uint256)
    batch: uint256
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


event DeviceChangeProposed:
    agreement_id: indexed(uint256)
    old_device: indexed(address)
    new_device: indexed(address)
    effective_at: uint256


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
            period closing, adjustments, proposals, acceptances). Cutoff and
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


# ---------------------------------------------------------------- consent


@external
def propose_agreement(
    consumer: address,
    device: address,
    period_start: uint256,
    slot_seconds: uint256,
    slots_per_period: uint256,
    profile: Bytes[PROFILE_ARG_BYTES],
    bonus_per_period: uint256,
    penalty_per_slot: uint256,
    emergency_penalty: uint256,
    grace_seconds: uint256,
    unmeasured_allowance: uint256,
    slot_tolerance: uint256,
    device_notice_seconds: uint256,
) -> uint256:
    """
    @notice Proposes an agreement to `consumer`. Nothing binds either party
            until the consumer accepts (`accept_agreement` or
            `accept_agreement_signed`); the terms never change afterwards.
    @param consumer The consumer, who must accept and who receives the credit.
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
    @param unmeasured_allowance Unmeasured slots excused per period (a meter swap,
           a bus fault); every unmeasured or never submitted slot beyond it is
           penalised. 0 penalises every one.
    @param slot_tolerance Seconds by which a submitted slot may end after the
           block's time (0: only slots that have ended).
    @param device_notice_seconds Notice after which a device change the consumer
           has not accepted takes effect.
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
    assert plen <= MAX_PROFILE_SLOTS, "agreements: profile longer than 288 slots"
    assert slots_per_period != 0 and slots_per_period <= MAX_SLOTS_PER_PERIOD, "agreements: bad slots per period"
    assert slots_per_period % plen == 0, "agreements: period not a whole number of profiles"
    assert bonus_per_period <= MAX_U80, "agreements: bonus too large"
    assert penalty_per_slot <= MASK48, "agreements: penalty too large"
    assert emergency_penalty <= MAX_U96, "agreements: emergency penalty too large"
    assert grace_seconds <= MAX_U32, "agreements: grace too long"
    assert unmeasured_allowance <= MASK16, "agreements: unmeasured allowance too large"
    assert slot_tolerance <= MAX_U32, "agreements: slot tolerance too long"
    assert device_notice_seconds <= MAX_U32, "agreements: device notice too long"

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
    nonce: uint256 = 0
    store: address = empty(address)
    nonce, store = self._create_store(
        convert(device, uint256) | (penalty_per_slot << 160) | (slots_per_period << 208) | (plen << 232),
        slot_seconds | (period_start << 32) | (slot_tolerance << 96) | (unmeasured_allowance << 128),
        lanes,
    )

    agreement_id: uint256 = self.agreement_count
    self.agreement_count = agreement_id + 1
    self._run[agreement_id] = (bonus_per_period << 72) | (nonce << 216) | (convert(CONNECTED, uint256) << RUN_CONTROL)
    self._consumer[agreement_id] = consumer
    self._bonus_per_period[agreement_id] = bonus_per_period
    self._emergency_penalty[agreement_id] = emergency_penalty
    self._grace_seconds[agreement_id] = grace_seconds
    self._device_notice_seconds[agreement_id] = device_notice_seconds

    log AgreementProposed(
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
        unmeasured_allowance=unmeasured_allowance,
        slot_tolerance=slot_tolerance,
        device_notice_seconds=device_notice_seconds,
    )
    return agreement_id


@external
def propose_change(agreement_id: uint256, successor_id: uint256):
    """
    @notice Offers the proposal `successor_id` as the new terms of the active
            agreement `agreement_id`, from the period after the open one. Once
            the consumer accepts the successor, the open period is the
            agreement's last and the successor's period 0 follows it.
    @param agreement_id The active agreement whose terms change.
    @param successor_id A proposal for the same consumer whose period 0 starts
           when the agreement's open period ends.
    """
    ownable._check_owner()
    run: uint256 = self._existing_run(agreement_id)
    successor_run: uint256 = self._existing_run(successor_id)
    assert (run >> RUN_ACTIVE) & 3 == 1, "agreements: agreement not active"
    assert successor_run >> RUN_ACTIVE == 0, "agreements: successor not a proposal"
    assert self._consumer[successor_id] == self._consumer[agreement_id], "agreements: successor has another consumer"
    assert self._period_start(successor_run) == self._open_period_end(run), "agreements: successor must start when the open period ends"
    self._replaces[successor_id] = agreement_id + 1
    log ChangeProposed(agreement_id=agreement_id, successor_id=successor_id, from_period=((run >> 152) & MASK24) + 1)


@external
def accept_agreement(agreement_id: uint256):
    """
    @notice The consumer accepts a proposal: the agreement becomes active with
            its terms as proposed (and, for a change, the replaced agreement's
            open period becomes its last).
    @param agreement_id The proposal.
    """
    assert msg.sender == self._consumer[agreement_id], "agreements: caller is not the consumer"
    self._accept(agreement_id)


@external
def accept_agreement_signed(agreement_id: uint256, v: uint8, r: bytes32, s: bytes32):
    """
    @notice Accepts a proposal with the consumer's EIP-712 signature of
            AcceptAgreement(uint256 agreementId, address termsStore), submitted
            by anyone (so a consumer without ether can consent). The terms
            store fixes every term, including the device.
    @param agreement_id The proposal.
    @param v The signature's recovery id (27 or 28).
    @param r The signature's r.
    @param s The signature's s.
    """
    run: uint256 = self._existing_run(agreement_id)
    struct_hash: bytes32 = keccak256(abi_encode(ACCEPT_AGREEMENT_TYPEHASH, agreement_id, self._store_address((run >> 216) & MASK24)))
    assert eip712._signer(struct_hash, v, r, s) == self._consumer[agreement_id], "agreements: not signed by the consumer"
    self._accept(agreement_id)


@external
def propose_device(agreement_id: uint256, new_device: address):
    """
    @notice Proposes a new device for an agreement (a replaced or re-keyed
            meter). It takes effect when the consumer accepts it, or when the
            utility applies it after the agreement's device notice time.
            A new proposal replaces a pending one.
    @param agreement_id The agreement.
    @param new_device The new device address.
    """
    ownable._check_owner()
    run: uint256 = self._existing_run(agreement_id)
    assert (run >> RUN_ENDED) & 1 == 0, "agreements: agreement ended"
    assert new_device != empty(address), "agreements: zero device"
    effective_at: uint256 = block.timestamp + self._device_notice_seconds[agreement_id]
    self._pending_device[agreement_id] = new_device
    self._device_change_at[agreement_id] = effective_at
    log DeviceChangeProposed(
        agreement_id=agreement_id, old_device=self._device(run), new_device=new_device, effective_at=effective_at
    )


@external
def accept_device(agreement_id: uint256):
    """
    @notice The consumer accepts the pending device change: it takes effect now.
    @param agreement_id The agreement.
    """
    assert msg.sender == self._consumer[agreement_id], "agreements: caller is not the consumer"
    self._change_device(agreement_id)


@external
def apply_device_change(agreement_id: uint256):
    """
    @notice The utility applies a pending device change once the agreement's
            device notice time has passed since it was proposed.
    @param agreement_id The agreement.
    """
    ownable._check_owner()
    assert self._pending_device[agreement_id] != empty(address), "agreements: no device change pending"
    assert block.timestamp >= self._device_change_at[agreement_id], "agreements: device notice time not over"
    self._change_device(agreement_id)


# ---------------------------------------------------------------- owner: bonus and credit


@external
def adjust_bonus(agreement_id: uint256, delta: int256, reason: String[MAX_REASON]):
    """
    @notice Adds `delta` (negative to deduct) to the open period's bonus of an
            active agreement; closed periods are settled and never change.
    @param agreement_id The agreement.
    @param delta The change; the result must stay within 0 .. 2**80 - 1.
    @param reason Why, recorded in the event; must not be empty.
    """
    ownable._check_owner()
    pausable._require_not_paused()
    assert len(reason) != 0, "agreements: reason required"
    run: uint256 = self._existing_run(agreement_id)
    self._require_active(run)
    bonus: int256 = convert((run >> 72) & MASK80, int256) + delta
    assert bonus >= 0, "agreements: bonus below zero"
    assert bonus <= convert(MAX_U80, int256), "agreements: bonus too large"
    new_bonus: uint256 = convert(bonus, uint256)
    self._run[agreement_id] = (run & ~(MASK80 << 72)) | (new_bonus << 72)
    log BonusAdjusted(agreement_id=agreement_id, delta=delta, bonus=new_bonus, reason=reason)


@external
def adjust_credit(agreement_id: uint256, delta: int256, reason: String[MAX_REASON]):
    """
    @notice Adds `delta` to the consumer's credit; a negative delta records
            credit used (for example on an invoice). The settled figures of
            closed periods (their PeriodClosed events) are not changed.
    @param agreement_id The agreement.
    @param delta The change; the credit must not fall below zero.
    @param reason Why, recorded in the event; must not be empty.
    """
    ownable._check_owner()
    pausable._require_not_paused()
    assert len(reason) != 0, "agreements: reason required"
    run: uint256 = self._existing_run(agreement_id)
    assert run >> RUN_ACTIVE != 0, "agreements: agreement never accepted"
    credit: int256 = convert(self.credit[agreement_id], int256) + delta
    assert credit >= 0, "agreements: credit below zero"
    new_credit: uint256 = convert(credit, uint256)
    self.credit[agreement_id] = new_credit
    log CreditAdjusted(agreement_id=agreement_id, delta=delta, credit=new_credit, reason=reason)


# ---------------------------------------------------------------- disconnect control


@external
def order_cutoff(agreement_id: uint256, reason: String[MAX_REASON]):
    """
    @notice Orders an emergency cutoff (remote_disconnect) under an active
            agreement: the control state becomes disconnected and the device
            opens its relay. Allowed from connected or ready-for-reconnection;
            works while paused.
    @param agreement_id The agreement.
    @param reason Why, recorded in the event.
    """
    ownable._check_owner()
    run: uint256 = self._existing_run(agreement_id)
    self._require_active(run)
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
    run: uint256 = self._check_device(agreement_id)
    assert self._control_state(run) == DISCONNECTED, "agreements: not disconnected"
    assert (run >> RUN_ACK) & 1 == 0, "agreements: cutoff already acknowledged"
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
    run: uint256 = self._check_device(agreement_id)
    assert self._control_state(run) == READY_FOR_RECONNECTION, "agreements: not ready for reconnection"
    self._run[agreement_id] = self._with_control(run, CONNECTED, False)
    log Reconnected(agreement_id=agreement_id, journal_head=journal_head)


@external
def report_emergency_shutdown(agreement_id: uint256, journal_head: bytes32):
    """
    @notice The device reports a local emergency shutdown (a limiter trip);
            the agreement's emergency penalty is deducted from the bonus,
            never below zero. The control state is not changed.
    @param agreement_id The agreement; it must be active.
    @param journal_head The device journal's head hash after journaling the trip.
    """
    pausable._require_not_paused()
    run: uint256 = self._check_device(agreement_id)
    self._require_active(run)
    bonus: uint256 = (run >> 72) & MASK80
    penalty: uint256 = min(self._emergency_penalty[agreement_id], bonus)
    bonus = unsafe_sub(bonus, penalty)
    self._run[agreement_id] = (run & ~(MASK80 << 72)) | (bonus << 72)
    log EmergencyShutdown(agreement_id=agreement_id, penalty=penalty, bonus=bonus, journal_head=journal_head)


# ---------------------------------------------------------------- device: batches


@external
def submit_batch(
    agreement_id: uint256,
    batch_seq: uint256,
    first_slot: uint256,
    slot_count: uint256,
    packed: DynArray[uint256, PACKED_ARG_WORDS],
    journal_head: bytes32,
):
    """
    @notice Submits the consumption of `slot_count` consecutive slots of an
            active agreement, all of which have ended.
    @dev Each word of `packed` holds eight big-endian uint32 Wh values, the
         first slot in the most significant four bytes; the unused values of
         the last word must be zero. The slots must lie in the open period and
         the last one must end no later than the block's time plus the
         agreement's slot tolerance. The batch number and next slot make
         submission exactly-once.
    @param agreement_id The agreement; the caller must be its device.
    @param batch_seq Exactly the last accepted batch number plus one (the first is 1).
    @param first_slot Exactly the next slot not yet submitted.
    @param slot_count 1 .. 288 slots.
    @param packed ceil(slot_count / 8) words of packed consumption.
    @param journal_head The device journal's head hash covering these slots.
    """
    pausable._require_not_paused()
    run: uint256 = self._run[agreement_id]
    nonce: uint256 = (run >> 216) & MASK24
    assert nonce != 0, "agreements: unknown agreement"
    self._require_active(run)
    data: Bytes[STORE_BYTES] = raw_call(self._store_address(nonce), b"", max_outsize=STORE_BYTES, is_static_call=True)
    h0: uint256 = convert(extract32(data, 0), uint256)
    h1: uint256 = convert(extract32(data, 32), uint256)
    assert msg.sender == convert(h0 & MASK160, address), "agreements: caller is not the device"
    assert batch_seq == ((run >> 40) & MASK32) + 1, "agreements: wrong batch number"
    assert batch_seq <= MASK32, "agreements: batch numbers exhausted"
    start: uint256 = run & MASK40
    assert first_slot == start, "agreements: wrong first slot"
    count: uint256 = slot_count
    assert count != 0, "agreements: empty batch"
    assert count <= MAX_BATCH_SLOTS, "agreements: batch longer than 288 slots"
    words: uint256 = len(packed)
    assert words == unsafe_div(unsafe_add(count, 7), 8), "agreements: packed length mismatch"
    end: uint256 = start + count
    period: uint256 = (run >> 152) & MASK24
    assert end <= (period + 1) * ((h0 >> 208) & MASK24), "agreements: batch beyond the open period"
    # end < 2**40, slot_seconds < 2**32, period_start and the tolerance < 2**40: no overflow.
    assert unsafe_add((h1 >> 32) & MASK40, unsafe_mul(end, h1 & MASK32)) <= unsafe_add(
        block.timestamp, (h1 >> 96) & MASK32
    ), "agreements: slot not over"
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

    # Unmeasured slots are excused while the period's allowance lasts
    # (excused <= allowance always holds).
    excused: uint256 = (run >> 200) & MASK16
    excusing: uint256 = min(unmeasured, unsafe_sub((h1 >> 128) & MASK16, excused))
    charged: uint256 = unsafe_sub(unsafe_add(violations, unmeasured), excusing)
    # charged <= 288 and the penalty is < 2**48: the product is < 2**57.
    penalty: uint256 = unsafe_mul(charged, (h0 >> 160) & MASK48)
    bonus: uint256 = (run >> 72) & MASK80
    penalty = min(penalty, bonus)
    bonus = unsafe_sub(bonus, penalty)
    # penalised slots of a period <= slots submitted in it <= slots_per_period < 2**24.
    self._run[agreement_id] = (
        end
        | (batch_seq << 40)
        | (bonus << 72)
        | (period << 152)
        | (unsafe_add((run >> 176) & MASK24, charged) << 176)
        | (unsafe_add(excused, excusing) << 200)
        | ((run >> 216) << 216)
    )
    # counts < 2**16, start < 2**40, batch_seq < 2**32 (checked above).
    self._log_batch(
        agreement_id,
        batch_seq | (start << 32) | (count << 72) | (violations << 88) | (unmeasured << 104),
        bonus,
        journal_head,
    )


@internal
def _log_batch(agreement_id: uint256, batch: uint256, bonus: uint256, journal_head: bytes32):
    # In a function of its own so that the event's buffer lies in this small
    # frame, below submit_batch's, rather than above the terms store's
    # 2,432-byte buffer: memory costs by its highest address (about 400 gas).
    log BatchSubmitted(agreement_id=agreement_id, batch=batch, bonus=bonus, journal_head=journal_head)


# ---------------------------------------------------------------- periods


@external
def close_period(agreement_id: uint256):
    """
    @notice Closes the open period of an active agreement and opens the next
            with a fresh bonus (or, in its final period, ends the agreement).
            Allowed to the utility, the device and the consumer once the period
            has ended and all its slots are in, or once its grace time has
            passed; then every missing slot counts as an unmeasured slot
            (excused while the period's allowance lasts). What is left of the
            bonus is added to the consumer's credit.
    @param agreement_id The agreement.
    """
    pausable._require_not_paused()
    run: uint256 = self._existing_run(agreement_id)
    self._require_active(run)
    data: Bytes[STORE_BYTES] = self._read_store(run)
    h0: uint256 = convert(extract32(data, 0), uint256)
    h1: uint256 = convert(extract32(data, 32), uint256)
    assert (
        msg.sender == ownable.owner
        or msg.sender == convert(h0 & MASK160, address)
        or msg.sender == self._consumer[agreement_id]
    ), "agreements: caller may not close periods"
    period: uint256 = (run >> 152) & MASK24
    end_slot: uint256 = (period + 1) * ((h0 >> 208) & MASK24)
    # The next period's slots must fit the 40-bit slot field and its number the
    # 24-bit period field; submit_batch relies on it (end <= (period + 1) * spp).
    assert (period + 2) * ((h0 >> 208) & MASK24) <= MASK40 and period + 1 <= MASK24, "agreements: agreement exhausted"
    period_end: uint256 = ((h1 >> 32) & MASK40) + end_slot * (h1 & MASK32)
    assert block.timestamp >= period_end, "agreements: period not over"
    missing: uint256 = end_slot - (run & MASK40)
    if missing != 0:
        assert block.timestamp >= period_end + self._grace_seconds[agreement_id], "agreements: slots missing within grace time"

    excusing: uint256 = min(missing, ((h1 >> 128) & MASK16) - ((run >> 200) & MASK16))
    bonus: uint256 = (run >> 72) & MASK80
    penalty: uint256 = min((missing - excusing) * ((h0 >> 160) & MASK48), bonus)
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

    # Control state, acknowledgement and status bits are kept.
    flags: uint256 = (run >> 240) << 240
    nonce: uint256 = run & (MASK24 << 216)
    if (run >> RUN_FINAL) & 1 == 1:
        # Slots and batch number stay where they are; no bonus, no new period.
        flags = (flags & ~(7 << RUN_ACTIVE)) | (1 << RUN_ENDED)
        self._run[agreement_id] = end_slot | (run & (MASK32 << 40)) | (period << 152) | nonce | flags
        log AgreementEnded(agreement_id=agreement_id, period=period)
        return
    fresh: uint256 = self._bonus_per_period[agreement_id]
    self._run[agreement_id] = end_slot | (run & (MASK32 << 40)) | (fresh << 72) | ((period + 1) << 152) | nonce | flags
    log PeriodOpened(agreement_id=agreement_id, period=period + 1, first_slot=end_slot, bonus=fresh)


# ---------------------------------------------------------------- views


@external
@view
def agreement(agreement_id: uint256) -> Agreement:
    """
    @notice Everything about an agreement: terms, status, running state and credit.
    @param agreement_id The agreement; reverts when unknown.
    """
    run: uint256 = self._existing_run(agreement_id)
    data: Bytes[STORE_BYTES] = self._read_store(run)
    h0: uint256 = convert(extract32(data, 0), uint256)
    h1: uint256 = convert(extract32(data, 32), uint256)
    return Agreement(
        consumer=self._consumer[agreement_id],
        device=convert(h0 & MASK160, address),
        period_start=(h1 >> 32) & MASK40,
        slot_seconds=h1 & MASK32,
        slots_per_period=(h0 >> 208) & MASK24,
        profile_len=(h0 >> 232) & MASK16,
        terms_store=self._store_address((run >> 216) & MASK24),
        bonus_per_period=self._bonus_per_period[agreement_id],
        penalty_per_slot=(h0 >> 160) & MASK48,
        emergency_penalty=self._emergency_penalty[agreement_id],
        grace_seconds=self._grace_seconds[agreement_id],
        unmeasured_allowance=(h1 >> 128) & MASK16,
        period=(run >> 152) & MASK24,
        next_slot=run & MASK40,
        last_batch_seq=(run >> 40) & MASK32,
        bonus=(run >> 72) & MASK80,
        penalised_slots=(run >> 176) & MASK24,
        control_state=self._control_state(run),
        cutoff_acknowledged=(run >> RUN_ACK) & 1 == 1,
        credit=self.credit[agreement_id],
        status=self._status(run),
        excused_slots=(run >> 200) & MASK16,
        slot_tolerance=(h1 >> 96) & MASK32,
        device_notice_seconds=self._device_notice_seconds[agreement_id],
        pending_device=self._pending_device[agreement_id],
        device_change_at=self._device_change_at[agreement_id],
        replaces=self._replaces[agreement_id],
    )


@external
@view
def device_state(agreement_id: uint256) -> (address, uint256, uint256, uint8, bool, uint8):
    """
    @notice What a device needs before submitting: its address, the last
            accepted batch number, the next slot, the control state, whether
            the current cutoff is acknowledged, and the agreement's status
            (batches are accepted only while it is ACTIVE or FINAL_PERIOD).
    @param agreement_id The agreement; reverts when unknown.
    """
    run: uint256 = self._existing_run(agreement_id)
    return (
        self._device(run),
        (run >> 40) & MASK32,
        run & MASK40,
        self._control_state(run),
        (run >> RUN_ACK) & 1 == 1,
        self._status(run),
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
    return self._open_period_end(self._existing_run(agreement_id))


@external
@pure
def unpack_batch(batch: uint256) -> (uint256, uint256, uint256, uint256, uint256):
    """
    @notice The counters packed in a BatchSubmitted event's `batch` word.
    @return (batch_seq, first_slot, slot_count, violations, unmeasured)
    """
    return batch & MASK32, (batch >> 32) & MASK40, (batch >> 72) & MASK16, (batch >> 88) & MASK16, (batch >> 104) & MASK16


# ---------------------------------------------------------------- internals


@internal
def _accept(agreement_id: uint256):
    pausable._require_not_paused()
    run: uint256 = self._existing_run(agreement_id)
    assert run >> RUN_ACTIVE == 0, "agreements: not a proposal"
    replaced: uint256 = self._replaces[agreement_id]
    if replaced != 0:
        old_id: uint256 = replaced - 1
        old_run: uint256 = self._run[old_id]
        assert (old_run >> RUN_ACTIVE) & 3 == 1, "agreements: replaced agreement not active"
        assert self._open_period_end(old_run) == self._period_start(run), "agreements: change proposed for a period already closed"
        self._run[old_id] = old_run | (1 << RUN_FINAL)
        log FinalPeriod(agreement_id=old_id, period=(old_run >> 152) & MASK24, successor_id=agreement_id)
    self._run[agreement_id] = run | (1 << RUN_ACTIVE)
    log AgreementAccepted(
        agreement_id=agreement_id, consumer=self._consumer[agreement_id], terms_store=self._store_address((run >> 216) & MASK24)
    )
    log PeriodOpened(agreement_id=agreement_id, period=0, first_slot=0, bonus=(run >> 72) & MASK80)


@internal
def _change_device(agreement_id: uint256):
    # The terms are copied to a new store with the new device.
    new_device: address = self._pending_device[agreement_id]
    assert new_device != empty(address), "agreements: no device change pending"
    run: uint256 = self._existing_run(agreement_id)
    assert (run >> RUN_ENDED) & 1 == 0, "agreements: agreement ended"
    data: Bytes[STORE_BYTES] = self._read_store(run)
    h0: uint256 = convert(extract32(data, 0), uint256)
    lanes: Bytes[2496] = slice(data, 64, len(data) - 64)
    nonce: uint256 = 0
    store: address = empty(address)
    nonce, store = self._create_store(
        (h0 & ~MASK160) | convert(new_device, uint256), convert(extract32(data, 32), uint256), lanes
    )
    self._run[agreement_id] = (run & ~(MASK24 << 216)) | (nonce << 216)
    self._pending_device[agreement_id] = empty(address)
    self._device_change_at[agreement_id] = 0
    log DeviceChanged(
        agreement_id=agreement_id, old_device=convert(h0 & MASK160, address), new_device=new_device, terms_store=store
    )


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
    return raw_call(self._store_address((run >> 216) & MASK24), b"", max_outsize=STORE_BYTES, is_static_call=True)


@internal
@view
def _device(run: uint256) -> address:
    return convert(convert(extract32(self._read_store(run), 0), uint256) & MASK160, address)


@internal
@view
def _period_start(run: uint256) -> uint256:
    return (convert(extract32(self._read_store(run), 32), uint256) >> 32) & MASK40


@internal
@view
def _open_period_end(run: uint256) -> uint256:
    data: Bytes[STORE_BYTES] = self._read_store(run)
    h0: uint256 = convert(extract32(data, 0), uint256)
    h1: uint256 = convert(extract32(data, 32), uint256)
    return ((h1 >> 32) & MASK40) + (((run >> 152) & MASK24) + 1) * ((h0 >> 208) & MASK24) * (h1 & MASK32)


@internal
@pure
def _status(run: uint256) -> uint8:
    if (run >> RUN_ENDED) & 1 == 1:
        return ENDED
    if (run >> RUN_ACTIVE) & 1 == 0:
        return PROPOSED
    if (run >> RUN_FINAL) & 1 == 1:
        return FINAL_PERIOD
    return ACTIVE


@internal
@pure
def _control_state(run: uint256) -> uint8:
    return convert((run >> RUN_CONTROL) & 15, uint8)


@internal
@pure
def _with_control(run: uint256, state: uint8, acknowledged: bool) -> uint256:
    ack: uint256 = 0
    if acknowledged:
        ack = 1
    return (run & ~(convert(31, uint256) << RUN_CONTROL)) | (convert(state, uint256) << RUN_CONTROL) | (ack << RUN_ACK)


@internal
@pure
def _require_active(run: uint256):
    assert (run >> RUN_ACTIVE) & 1 == 1, "agreements: agreement not active"


@internal
@view
def _existing_run(agreement_id: uint256) -> uint256:
    assert agreement_id < self.agreement_count, "agreements: unknown agreement"
    return self._run[agreement_id]


@internal
@view
def _check_device(agreement_id: uint256) -> uint256:
    run: uint256 = self._existing_run(agreement_id)
    assert msg.sender == self._device(run), "agreements: caller is not the device"
    return run
