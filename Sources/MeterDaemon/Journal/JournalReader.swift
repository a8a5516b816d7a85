import FoundationEssentials
import Glibc

/// Which records to read.
public struct RecordFilter: Sendable {
    var since: Date?
    var until: Date?
    var kinds: Set<RecordKind>?
    var fromSequence: UInt64?

    public init(since: Date? = nil, until: Date? = nil, kinds: Set<RecordKind>? = nil, fromSequence: UInt64? = nil) {
        self.since = since
        self.until = until
        self.kinds = kinds
        self.fromSequence = fromSequence
    }

    func matches(_ record: JournalRecord) -> Bool {
        if let since, record.time < since { return false }
        if let until, record.time >= until { return false }
        if let kinds, !kinds.contains(record.kind) { return false }
        if let fromSequence, record.sequence < fromSequence { return false }
        return true
    }
}

/// Reads a journal directory without a key and without changing it (what `journal show`, `export`,
/// `stats` and `verify` use; a running daemon's journal can be read meanwhile).
public struct JournalReader: Sendable {
    let directory: String

    public init(directory: String) { self.directory = directory }

    func segmentNames() throws -> [String] {
        var info = stat()
        guard stat(directory, &info) == 0 else {
            throw MeterdError.journalIO(operation: "opening journal directory", path: directory, errno: errno)
        }
        return try FileIO.segmentNames(in: directory)
    }

    /// Calls `body` for each matching record in chain order, segment by segment. Damage ends the
    /// segment's records (the next segment continues); it is returned for the caller to report.
    /// An incomplete last record of the last segment is not damage here: a running meterd may be
    /// writing it (and after a crash, meterd cuts it at its next start; `verify` reports it).
    @discardableResult
    public func forEach(_ filter: RecordFilter = RecordFilter(),
                        segmentDone: (SegmentSummary, ScanProblem?) throws -> Void = { _, _ in },
                        _ body: (JournalRecord) throws -> Void) throws -> [ScanProblem] {
        var problems: [ScanProblem] = []
        let names = try segmentNames()
        for name in names {
            let bytes = try FileIO.readAll(directory.appendingPathComponent(name))
            let scan = try withoutActuallyEscaping(body) { body in
                var options = SegmentScan.Options()
                options.onRecord = { record, _ in if filter.matches(record) { try body(record) } }
                return try SegmentScan.scan(name: name, bytes: bytes, options: options)
            }
            let beingWritten = name == names.last && scan.tornTail
            if let problem = scan.problem, !beingWritten { problems.append(problem) }
            try segmentDone(SegmentSummary(name: name, bytes: bytes.count, firstSequence: scan.firstSequence,
                                           lastSequence: scan.lastSequence, lastTime: scan.lastTime, damaged: scan.problem != nil && !beingWritten),
                            beingWritten ? nil : scan.problem)
        }
        return problems
    }

    func records(_ filter: RecordFilter = RecordFilter()) throws -> [JournalRecord] {
        var result: [JournalRecord] = []
        try forEach(filter) { result.append($0) }
        return result
    }
}
