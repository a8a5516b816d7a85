import Drivers
import FoundationEssentials

/// What one journal record says. Every case has a fixed type byte (`RecordKind`) and a compact
/// binary encoding (`PayloadCodec`); both are part of the versioned format in docs/journal-format.md.
enum JournalPayload: Sendable, Equatable {
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
    case guardOutput(GuardOutput)

    var kind: RecordKind {
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
        case .guardOutput: return .guardOutput
        }
    }
}

/// A meter could not be read from `from` to `to`.
struct Gap: Sendable, Equatable {
    var meter: String
    var from: Date
    var to: Date
    var reason: String
    init(meter: String, from: Date, to: Date, reason: String) {
        self.meter = meter; self.from = from; self.to = to; self.reason = reason
    }
}

/// A slot was closed: its consumption in watt-hours, or nil when it could not be measured.
struct SlotClosed: Sendable, Equatable {
    var slotIndex: UInt64
    var slotStart: Date
    var consumptionWattHours: Int64?
    /// The settlement register's value at the slot's end, interpolated between the readings around
    /// the boundary: where slot aggregation resumes after a restart.
    var endEnergyMilliwattHours: Int64?
    init(slotIndex: UInt64, slotStart: Date, consumptionWattHours: Int64?, endEnergyMilliwattHours: Int64? = nil) {
        self.slotIndex = slotIndex; self.slotStart = slotStart; self.consumptionWattHours = consumptionWattHours
        self.endEnergyMilliwattHours = endEnergyMilliwattHours
    }
}

/// A batch of slot values sent to the contract (block is nil until it is confirmed).
struct Batch: Sendable, Equatable {
    var batchSequence: UInt64
    var firstSlot: UInt64
    var slotCount: UInt32
    var transactionHash: [UInt8]
    var block: UInt64?
    init(batchSequence: UInt64, firstSlot: UInt64, slotCount: UInt32, transactionHash: [UInt8], block: UInt64? = nil) {
        self.batchSequence = batchSequence; self.firstSlot = firstSlot; self.slotCount = slotCount
        self.transactionHash = transactionHash; self.block = block
    }
}

/// Every record up to `sequence` is anchored on chain by `transactionHash`, confirmed in `block`.
public struct Anchor: Sendable, Equatable {
    public var sequence: UInt64
    var transactionHash: [UInt8]
    public var block: UInt64
    init(sequence: UInt64, transactionHash: [UInt8], block: UInt64) {
        self.sequence = sequence; self.transactionHash = transactionHash; self.block = block
    }
}

/// A change of the relay's disconnect control state, with its cause and (from meterd's cutoff
/// controller on) the state machine's full snapshot, so the last record restores it at start.
struct RelayTransition: Sendable, Equatable {
    var from: String
    var to: String
    var cause: String
    var snapshot: RelaySnapshot?
    init(from: String, to: String, cause: String, snapshot: RelaySnapshot? = nil) {
        self.from = from; self.to = to; self.cause = cause; self.snapshot = snapshot
    }
}

/// The cutoff state machine after a transition, in DLMS codes (0 disconnected, 1 connected,
/// 2 ready for reconnection).
struct RelaySnapshot: Sendable, Equatable {
    var controlState: UInt8
    /// The contract's state and the confirmed block it was read at, once one was read.
    var contractState: UInt8?
    var contractBlock: UInt64?
    var manualCutoff: Bool
    var limiterCutoff: Bool
    var awaitingLocalReconnection: Bool
    var cutoffNotEffective: Bool

    init(controlState: UInt8, contractState: UInt8? = nil, contractBlock: UInt64? = nil, manualCutoff: Bool = false,
                limiterCutoff: Bool = false, awaitingLocalReconnection: Bool = false, cutoffNotEffective: Bool = false) {
        self.controlState = controlState; self.contractState = contractState; self.contractBlock = contractBlock
        self.manualCutoff = manualCutoff; self.limiterCutoff = limiterCutoff
        self.awaitingLocalReconnection = awaitingLocalReconnection; self.cutoffNotEffective = cutoffNotEffective
    }
}

struct ConfigChange: Sendable, Equatable {
    var hash: [UInt8]
    var summary: String
    init(hash: [UInt8], summary: String) { self.hash = hash; self.summary = summary }
}

struct ClockSync: Sendable, Equatable {
    var synchronised: Bool
    var detail: String
    init(synchronised: Bool, detail: String) { self.synchronised = synchronised; self.detail = detail }
}

/// Recovery cut a torn tail off `segment` at `offset`; the cut bytes were kept in `savedAs`.
struct JournalCut: Sendable, Equatable {
    var segment: String
    var offset: UInt64
    var bytesCut: UInt64
    var lastSequenceKept: UInt64
    var savedAs: String
    init(segment: String, offset: UInt64, bytesCut: UInt64, lastSequenceKept: UInt64, savedAs: String) {
        self.segment = segment; self.offset = offset; self.bytesCut = bytesCut
        self.lastSequenceKept = lastSequenceKept; self.savedAs = savedAs
    }
}

/// Recovery found damage that is not a torn tail: `segment` is kept untouched from `offset` on, the
/// chain resumes after `lastGoodSequence`.
struct JournalBreak: Sendable, Equatable {
    var segment: String
    var offset: UInt64
    var lastGoodSequence: UInt64
    var detail: String
    init(segment: String, offset: UInt64, lastGoodSequence: UInt64, detail: String) {
        self.segment = segment; self.offset = offset; self.lastGoodSequence = lastGoodSequence; self.detail = detail
    }
}

/// The device key's signature over the chain head: the hash of the record just before this one.
struct Checkpoint: Sendable, Equatable {
    var headHash: [UInt8]
    var signature: [UInt8]
    init(headHash: [UInt8], signature: [UInt8]) { self.headHash = headHash; self.signature = signature }
}


/// The slot guard's output changed what it asks of the site (docs/slot-guard.md, "The output"):
/// evidence that the consumer acted on the guard.
struct GuardOutput: Sendable, Equatable {
    var request: LoadRequest
    var previous: LoadRequest
    /// The open slot, when one is projected.
    var slot: Int64?
    /// The guard's state at the change (a projection's state, or why there is none).
    var state: String
    var projectedWattHours: Double?
    var reason: String
    init(request: LoadRequest, previous: LoadRequest, slot: Int64?, state: String, projectedWattHours: Double?, reason: String) {
        self.request = request; self.previous = previous; self.slot = slot; self.state = state
        self.projectedWattHours = projectedWattHours; self.reason = reason
    }
}
