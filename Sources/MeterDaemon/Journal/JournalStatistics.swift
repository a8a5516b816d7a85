import FoundationEssentials

/// What `meterd journal stats` shows, gathered by reading the journal once.
public struct JournalStatistics: Sendable, Equatable {
    public var records = 0
    public var segments = 0
    public var bytes = 0
    public var damagedSegments: [String] = []
    public var oldest: JournalRecord?
    public var newest: JournalRecord?
    public var recordsByKind: [RecordKind: Int] = [:]
    /// Every record up to here is anchored on chain (nil: nothing anchored yet).
    var anchoredUpTo: UInt64?
    public var lastAnchor: Anchor?
    public var lastCheckpointSequence: UInt64?

    public var unanchoredRecords: UInt64 {
        guard let newest else { return 0 }
        return newest.sequence - min(newest.sequence, anchoredUpTo ?? 0)
    }

    public static func collect(directory: String) throws -> JournalStatistics {
        var stats = JournalStatistics()
        try JournalReader(directory: directory).forEach(segmentDone: { summary, problem in
            stats.segments += 1
            stats.bytes += summary.bytes
            if problem != nil { stats.damagedSegments.append(summary.name) }
        }) { record in
            stats.records += 1
            if stats.oldest == nil { stats.oldest = record }
            stats.newest = record
            stats.recordsByKind[record.kind, default: 0] += 1
            switch record.payload {
            case .anchored(let anchor):
                stats.anchoredUpTo = max(stats.anchoredUpTo ?? 0, anchor.sequence)
                stats.lastAnchor = anchor
            case .checkpoint:
                stats.lastCheckpointSequence = record.sequence
            default:
                break
            }
        }
        return stats
    }
}
