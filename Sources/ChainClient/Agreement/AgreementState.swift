/// The contract's `agreement(id)` view: terms and running state of one agreement.
public struct AgreementState: Sendable, Equatable {
    var consumer: Address
    public var device: Address
    public var periodStart: UInt64
    public var slotSeconds: UInt64
    public var slotsPerPeriod: UInt64
    var profileLength: UInt64
    var termsStore: Address
    var bonusPerPeriod: UInt128
    var penaltyPerSlot: UInt128
    var emergencyPenalty: UInt128
    var graceSeconds: UInt64
    /// Unmeasured (or never submitted) slots excused per period; every one beyond is penalised.
    var unmeasuredAllowance: UInt64
    var period: UInt64
    public var nextSlot: UInt64
    public var lastBatchSeq: UInt64
    public var bonus: UInt128
    var penalisedSlots: UInt64
    /// DLMS/COSEM class 70: 0 disconnected, 1 connected, 2 ready for reconnection.
    public var controlState: UInt8
    var cutoffAcknowledged: Bool
    public var credit: UInt128
    public var status: AgreementStatus
    /// Unmeasured slots of the open period excused so far (at most the allowance).
    var excusedSlots: UInt64
    /// Seconds by which a submitted slot may end after the block's time.
    var slotTolerance: UInt64
    var deviceNoticeSeconds: UInt64
    /// A device change the utility proposed, not yet in effect (zero address: none).
    var pendingDevice: Address
    var deviceChangeAt: UInt64

    /// False for an id the contract has never created (its device is the zero address).
    public var exists: Bool { device.bytes != [UInt8](repeating: 0, count: 20) }

    init(_ v: [ABIValue]) throws(ChainClientError) {
        func u64(_ i: Int) throws(ChainClientError) -> UInt64 { try v[i].word().unsigned() }
        func u128(_ i: Int) throws(ChainClientError) -> UInt128 { try v[i].word().unsigned() }
        consumer = try v[0].address()
        device = try v[1].address()
        periodStart = try u64(2)
        slotSeconds = try u64(3)
        slotsPerPeriod = try u64(4)
        profileLength = try u64(5)
        termsStore = try v[6].address()
        bonusPerPeriod = try u128(7)
        penaltyPerSlot = try u128(8)
        emergencyPenalty = try u128(9)
        graceSeconds = try u64(10)
        unmeasuredAllowance = try u64(11)
        period = try u64(12)
        nextSlot = try u64(13)
        lastBatchSeq = try u64(14)
        bonus = try u128(15)
        penalisedSlots = try u64(16)
        controlState = try v[17].word().unsigned()
        cutoffAcknowledged = try v[18].bool()
        credit = try u128(19)
        status = try AgreementStatus(code: try v[20].word().unsigned())
        excusedSlots = try u64(21)
        slotTolerance = try u64(22)
        deviceNoticeSeconds = try u64(23)
        pendingDevice = try v[24].address()
        deviceChangeAt = try u64(25)
    }
}

/// The contract's `device_state(id)` view: what a device needs to know where it is.
struct DeviceState: Sendable, Equatable {
    var device: Address
    var lastBatchSeq: UInt64
    var nextSlot: UInt64
    var controlState: UInt8
    var cutoffAcknowledged: Bool
    var status: AgreementStatus
}
