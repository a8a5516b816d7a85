import Logging
import Synchronization

/// The data path's way into the journal. Records are enqueued in order at once; the wait for the disk
/// (up to the fsync policy's interval) runs beside the caller, which must not stall. While the journal
/// refuses writes (a full disk), that is said once per episode in the log, with the room it needs, and
/// in the status line and `meterd_journal_healthy` at every refusal.
final class ReadingJournalWriter: Sendable {
    let journal: Journal
    private let status: StatusBoard
    private let logger: Logger
    private let refusing = Mutex(false)

    init(journal: Journal, status: StatusBoard, logger: Logger) {
        self.journal = journal
        self.status = status
        self.logger = logger
    }

    func write(_ entries: [JournalEntry]) async throws {
        let last: UInt64?
        do {
            last = try journal.enqueue(entries).last
        } catch {
            let episodeStarts = refusing.withLock { refusing in
                defer { refusing = true }
                return !refusing
            }
            if episodeStarts { logger.error("journal refuses records: \(withRoomNeeded(error))") }
            await reportHealth()
            throw error
        }
        let episodeEnds = refusing.withLock { refusing in
            defer { refusing = false }
            return refusing
        }
        if episodeEnds { logger.notice("journal writes again") }
        guard let last else { return }
        let journal = journal, logger = logger
        Task {
            do { try await journal.waitUntilDurable(last) } catch {
                logger.error("journal: records up to #\(last) are not on disk: \(error)")
            }
        }
    }

    /// The journal's size and problem, for the status line and the metrics.
    func reportHealth() async {
        let problem = journal.problem().map(withRoomNeeded)
        await status.journal(records: journal.head.sequence, bytes: journal.segmentSummaries().reduce(0) { $0 + $1.bytes }, problem: problem)
    }

    private func withRoomNeeded(_ error: any Error) -> String {
        ["\(error)", journal.roomNeeded()].compactMap { $0 }.joined(separator: " ")
    }
}
