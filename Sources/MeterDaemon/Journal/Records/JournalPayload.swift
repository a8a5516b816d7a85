import Drivers
import FoundationEssentials

/// What one journal record says. Every case has a fixed type byte (`RecordKind`) and a compact
/// binary encoding (`PayloadCodec`); both are part of the versioned format in docs/journal-format.md.
public enum JournalPayload: Sendable, Equatable {
    case reading(Reading)
    case gap(Gap)
    case slotClosed(SlotClosed)
    case batchSubmitted(Batch)
    case batchConfirmed(Batch)
    case anchored(Anchor)
    case relayTransition(RelayTransition)
    case configChange(ConfigChange)
    case clockSync(ClockSync)
    case journalCut(JournalCut)
    case journalBreak(JournalBreak)
    case daemonStart(version: String)
    case daemonStop(reason: String)
    case checkpoint(Checkpoint)
    case keyRotation(KeyRotation)

    public var kind: RecordKind {
        switch self {
        case .reading: return .reading
        case .gap: return .gap
        case .slotClosed: return .slotClosed
        case .batchSubmitted: return .batchSubmitted
        case .batchConfirmed: return .batchConfirmed
        case .anchored: return .anchored
        case .relayTransition: return .relayTransition
        case .configChange: return .configChange
        case .clockSync: return .clockSync
        case .journalCut: return .journalCut
        case .journalBreak: return .journalBreak
        case .daemonStart: return .daemonStart
        case .daemonStop: return .daemonStop
        case .checkpoint: return .checkpoint
        case .keyRotation: return .keyRotation
        }
    }
}

/// A meter could not be read from `from` to `to`.
public struct Gap: Sendable, Equatable {
    public var meter: String
    public var from: Date
    public var to: Date
    public var reason: String
    public init(meter: String, from: Date, to: Date, reason: String) {
        self.meter = meter; self.from = from; self.to = to; self.reason = reason
    }
}

/// A slot was closed: its consumption in watt-hours, or nil when it could not be measured.
public struct SlotClosed: Sendable, Equatable {
    public var slotIndex: UInt64
    public var slotStart: Date
    public var consumptionWattHours: Int64?
    /// The settlement register's value at the slot's end, interpolated between the readings around
    /// the boundary: where slot aggregation resumes after a restart.
    public var endEnergyMilliwattHours: Int64?
    public init(slotIndex: UInt64, slotStart: Date, consumptionWattHours: Int64?, endEnergyMilliwattHours: Int64? = nil) {
        self.slotIndex = slotIndex; self.slotStart = slotStart; self.consumptionWattHours = consumptionWattHours
        self.endEnergyMilliwattHours = endEnergyMilliwattHours
    }
}

/// A batch of slot values sent to the contract (block is nil until it is confirmed).
public struct Batch: Sendable, Equatable {
    public var batchSequence: UInt64
    public var firstSlot: UInt64
    public var slotCount: UInt32
    public var transactionHash: [UInt8]
    public var block: UInt64?
    public init(batchSequence: UInt64, firstSlot: UInt64, slotCount: UInt32, transactionHash: [UInt8], block: UInt64? = nil) {
        self.batchSequence = batchSequence; self.firstSlot = firstSlot; self.slotCount = slotCount
        self.transactionHash = transactionHash; self.block = block
    }
}

/// Every record up to `sequence` is anchored on chain by `transactionHash`, confirmed in `block`.
public struct Anchor: Sendable, Equatable {
    public var sequence: UInt64
    public var transactionHash: [UInt8]
    public var block: UInt64
    public init(sequence: UInt64, transactionHash: [UInt8], block: UInt64) {
        self.sequence = sequence; self.transactionHash = transactionHash; self.block = block
    }
}

/// A change of the relay's disconnect control state, with its cause and (from meterd's cutoff
/// controller on) the state machine's full snapshot, so the last record restores it at start.
public struct RelayTransition: Sendable, Equatable {
    public var from: String
    public var to: String
    public var cause: String
    public var snapshot: RelaySnapshot?
    public init(from: String, to: String, cause: String, snapshot: RelaySnapshot? = nil) {
        self.from = from; self.to = to; self.cause = cause; self.snapshot = snapshot
    }
}

/// The cutoff state machine after a transition, in DLMS codes (0 disconnected, 1 connected,
/// 2 ready for reconnection).
public struct RelaySnapshot: Sendable, Equatable {
    public var controlState: UInt8
    /// The contract's state and the confirmed block it was read at, once one was read.
    public var contractState: UInt8?
    public var contractBlock: UInt64?
    public var manualCutoff: Bool
    public var limiterCutoff: Bool
    public var awaitingLocalReconnection: Bool
    public var cutoffNotEffective: Bool

    public init(controlState: UInt8, contractState: UInt8? = nil, contractBlock: UInt64? = nil, manualCutoff: Bool = false,
                limiterCutoff: Bool = false, awaitingLocalReconnection: Bool = false, cutoffNotEffective: Bool = false) {
        self.controlState = controlState; self.contractState = contractState; self.contractBlock = contractBlock
        self.manualCutoff = manualCutoff; self.limiterCutoff = limiterCutoff
        self.awaitingLocalReconnection = awaitingLocalReconnection; self.cutoffNotEffective = cutoffNotEffective
    }
}

public struct ConfigChange: Sendable, Equatable {
    public var hash: [UInt8]
    public var summary: String
    public init(hash: [UInt8], summary: String) { self.hash = hash; self.summary = summary }
}

public struct ClockSync: Sendable, Equatable {
    public var synchronised: Bool
    public var detail: String
    public init(synchronised: Bool, detail: String) { self.synchronised = synchronised; self.detail = detail }
}

/// Recovery cut a torn tail off `segment` at `offset`; the cut bytes were kept in `savedAs`.
public struct JournalCut: Sendable, Equatable {
    public var segment: String
    public var offset: UInt64
    public var bytesCut: UInt64
    public var lastSequenceKept: UInt64
    public var savedAs: String
    public init(segment: String, offset: UInt64, bytesCut: UInt64, lastSequenceKept: UInt64, savedAs: String) {
        self.segment = segment; self.offset = offset; self.bytesCut = bytesCut
        self.lastSequenceKept = lastSequenceKept; self.savedAs = savedAs
    }
}

/// Recovery found damage that is not a torn tail: `segment` is kept untouched from `offset` on, the
/// chain resumes after `lastGoodSequence`.
public struct JournalBreak: Sendable, Equatable {
    public var segment: String
    public var offset: UInt64
    public var lastGoodSequence: UInt64
    public var detail: String
    public init(segment: String, offset: UInt64, lastGoodSequence: UInt64, detail: String) {
        self.segment = segment; self.offset = offset; self.lastGoodSequence = lastGoodSequence; self.detail = detail
    }
}

/// The device key's signature over the chain head: the hash of the record just before this one.
public struct Checkpoint: Sendable, Equatable {
    public var headHash: [UInt8]
    public var signature: [UInt8]
    public init(headHash: [UInt8], signature: [UInt8]) { self.headHash = headHash; self.signature = signature }
}

