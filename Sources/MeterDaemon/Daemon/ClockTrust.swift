import FoundationEssentials
import Logging

/// Whether the system clock places readings in slots, as the journal last recorded it. A change of the
/// clock source's answer is journaled with the reading that sees it, before that reading; the change
/// counts once its record is on its way to disk, so one the journal refused (a full disk) is written
/// with the next reading it takes.
struct ClockTrust: Sendable {
    let source: ClockSource
    /// nil until the first record of the clock's state is written.
    private(set) var journaled: Bool?

    init(source: ClockSource) {
        self.source = source
    }

    struct Change: Sendable, Equatable {
        let synchronised: Bool
        let entry: JournalEntry

        var level: Logger.Level { synchronised ? .notice : .warning }
        var message: String {
            synchronised
                ? "system clock synchronised: slots open and close"
                : "system clock not synchronised: readings are journaled, no slot opens or closes until it is"
        }
    }

    /// The record to write with a reading at `time`, when the clock's state is not the journaled one.
    func change(to synchronised: Bool, at time: Date) -> Change? {
        guard synchronised != journaled else { return nil }
        let detail = source == .trusted ? "trusted by configuration" : "kernel (adjtimex)"
        return Change(synchronised: synchronised,
                      entry: JournalEntry(time: time, clockSynchronised: synchronised,
                                          payload: .clockSync(ClockSync(synchronised: synchronised, detail: detail))))
    }

    /// After the change's record was written.
    mutating func adopt(_ change: Change) {
        journaled = change.synchronised
    }
}
