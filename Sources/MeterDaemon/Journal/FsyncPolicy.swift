import FoundationEssentials

/// When appended records are made durable. An append returns only once its records are synced.
public enum FsyncPolicy: Sendable, Equatable {
    /// One fdatasync per record, even within one append call.
    case everyRecord
    /// Group commit: sync as soon as possible; records arriving during a sync share the next one.
    case groupCommit
    /// Sync once `records` are waiting or the oldest has waited `maxDelay`.
    case everyRecords(Int, maxDelay: Duration)
    /// At most one sync per `interval`: an append after a quiet period syncs at once, a burst waits
    /// for the interval and then shares one sync.
    case interval(Duration)

    /// For SD cards: at most one sync per second. A Pi polls each meter about once a second, so one
    /// meter's reading is synced at once, several meters' readings share a sync, and the card sees at
    /// most 86,400 small syncs a day however many meters and events there are (flash erase blocks are
    /// 1.5-12 MB, each sync rewrites the partial last page). Acknowledgement waits at most 1 s.
    public static let sdCardDefault = FsyncPolicy.interval(.seconds(1))
}

/// When a signed checkpoint is written (at a commit, before its sync).
public enum CheckpointPolicy: Sendable, Equatable {
    /// At every commit that adds records: each acknowledged record is signed when acknowledged.
    case everyCommit
    /// At the first commit after `interval` has passed or `records` have accumulated since the last one.
    case every(interval: Duration, records: Int)

    /// One checkpoint a minute (or per 4,096 records): 131 bytes a minute instead of per record, which
    /// keeps a meter-day at 1 Hz under 15 MB; see docs/journal-format.md.
    public static let standard = CheckpointPolicy.every(interval: .seconds(60), records: 4096)
}

public struct JournalOptions: Sendable {
    var fsync: FsyncPolicy
    var checkpoints: CheckpointPolicy
    /// A segment is closed and a new one started past this size.
    var segmentBytes: Int
    /// Segments whose records are all anchored and older than this are removed.
    var retention: Duration
    /// Total bytes the journal may use; nil for no limit.
    var diskBudgetBytes: Int?

    public init(fsync: FsyncPolicy = .sdCardDefault, checkpoints: CheckpointPolicy = .standard,
                segmentBytes: Int = 16 << 20, retention: Duration = .seconds(90 * 86_400), diskBudgetBytes: Int? = nil) {
        self.fsync = fsync
        self.checkpoints = checkpoints
        self.segmentBytes = segmentBytes
        self.retention = retention
        self.diskBudgetBytes = diskBudgetBytes
    }
}
