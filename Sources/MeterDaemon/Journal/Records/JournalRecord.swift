import Drivers
import FoundationEssentials

/// A record as read back: its place in the chain and what it says.
public struct JournalRecord: Sendable, Equatable {
    public var sequence: UInt64
    /// Microsecond resolution. For a reading, the reading's time; otherwise when it was appended.
    public var time: Date
    /// False when the system clock was not synchronised, so `time` may be far off.
    var clockSynchronised: Bool
    var payload: JournalPayload
    /// keccak-256(previous record's hash ‖ this record's body): what checkpoints and the chain anchor.
    public var hash: [UInt8]

    var kind: RecordKind { payload.kind }
}

/// What a caller appends; the journal adds the sequence number and the chain hash.
public struct JournalEntry: Sendable, Equatable {
    public var time: Date
    var clockSynchronised: Bool
    var payload: JournalPayload

    init(time: Date, clockSynchronised: Bool = true, payload: JournalPayload) {
        self.time = time
        self.clockSynchronised = clockSynchronised
        self.payload = payload
    }

    /// A reading is stamped with its own time.
    public init(reading: Reading, clockSynchronised: Bool = true) {
        self.init(time: reading.time, clockSynchronised: clockSynchronised, payload: .reading(reading))
    }
}
