import Cutoff
import FoundationEssentials

/// Writes the cutoff controller's records to the signed journal; `record` returns once they are durable.
public struct JournalCutoffRecorder: CutoffJournal {
    let journal: Journal

    public init(journal: Journal) { self.journal = journal }

    public func record(_ record: CutoffRecord, at time: Date) throws {
        try journal.append([JournalEntry(time: time, payload: .relayTransition(RelayTransition(record)))])
    }
}
