/// The contract's `agreement(id)` view: terms and running state of one agreement.
public struct AgreementState: Sendable, Equatable {
    public var consumer: Address
    public var device: Address
    public var periodStart: UInt64
    public var slotSeconds: UInt64
    public var slotsPerPeriod: UInt64
    public var profileLength: UInt64
    public var termsStore: Address
    public var bonusPerPeriod: UInt128
    public var penaltyPerSlot: UInt128
    public var emergencyPenalty: UInt128
    public var graceSeconds: UInt64
    /// 0: unmeasured slots are penalised; 1: excused.
    public var unmeasuredPolicy: UInt8
    public var period: UInt64
    public var nextSlot: UInt64
    public var lastBatchSeq: UInt64
    public var bonus: UInt128
    public var penalisedSlots: UInt64
    /// DLMS/COSEM class 70: 0 disconnected, 1 connected, 2 ready for reconnection.
    public var controlState: UInt8
    public var cutoffAcknowledged: Bool
    public var credit: UInt128

    /// False for an id the contract has never created (its device is the zero address).
    public var exists: Bool { device.bytes != [UInt8](repeating: 0, count: 20) }

    init(_ v: [ABIValue]) throws(ABIError) {
        func u64(_ i: Int) throws(ABIError) -> UInt64 { try v[i].word().unsigned() }
        func u128(_ i: Int) throws(ABIError) -> UInt128 { try v[i].word().unsigned() }
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
        unmeasuredPolicy = try v[11].word().unsigned()
        period = try u64(12)
        nextSlot = try u64(13)
        lastBatchSeq = try u64(14)
        bonus = try u128(15)
        penalisedSlots = try u64(16)
        controlState = try v[17].word().unsigned()
        cutoffAcknowledged = try v[18].bool()
        credit = try u128(19)
    }
}

/// The contract's `device_state(id)` view: what a device needs to know where it is.
public struct DeviceState: Sendable, Equatable {
    public var device: Address
    public var lastBatchSeq: UInt64
    public var nextSlot: UInt64
    public var controlState: UInt8
    public var cutoffAcknowledged: Bool
}
