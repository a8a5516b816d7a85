import Cutoff
import FoundationEssentials

/// The relay's state as the journal last recorded it: what reconciliation starts from and what
/// `meterd relay status` and `meterd relay close` judge by. Readable while the daemon appends.
public struct RelayJournalState: Sendable, Equatable {
    var control: DisconnectControl
    var sequence: UInt64
    var time: Date
    var cause: String

    /// The last relay record with a snapshot, or nil when there is none (a new site, or no journal yet).
    static func last(in reader: JournalReader) throws -> RelayJournalState? {
        guard FileManager.default.fileExists(atPath: reader.directory) else { return nil }
        var last: RelayJournalState?
        try reader.forEach(RecordFilter(kinds: [.relayTransition])) { record in
            guard case .relayTransition(let transition) = record.payload, let control = transition.snapshot?.control else { return }
            last = RelayJournalState(control: control, sequence: record.sequence, time: record.time, cause: transition.cause)
        }
        return last
    }
}
