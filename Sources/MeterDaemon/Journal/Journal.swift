import ChainClient
import Dispatch
import FoundationEssentials
import Glibc

/// meterd's signed, hash-chained, append-only journal (see docs/journal-format.md).
///
/// Thread-safe: any number of threads or tasks may append at once. Records arriving together share
/// one fdatasync (group commit, shaped by `FsyncPolicy`); `append` returns only when its records are
/// on disk. Checkpoints signed by the device key are written at commits per `CheckpointPolicy`.
public final class Journal: @unchecked Sendable {
    let directory: String
    let options: JournalOptions
    private var key: PrivateKey
    private var lock: DirectoryLock?
    // Everything below is guarded by `condition`.
    private let condition = ConditionLock()
    private var writer: SegmentWriter
    private var chainHead: JournalHead
    private var segments: [SegmentSummary]
    private var anchored: UInt64?
    private var writtenSequence: UInt64
    private var durableSequence: UInt64
    private var syncing = false
    private var lastSyncEnd = ContinuousClock.now - .seconds(3600)
    private var oldestPending: ContinuousClock.Instant?
    private var lastCheckpointSequence: UInt64
    /// The oldest sequence kept, as the head record says (moved forward before retention removes a segment).
    private var firstSequence: UInt64
    private var durableHash: [UInt8]
    /// A checkpoint was written since the head record was last rewritten: the next commit rewrites it.
    private var checkpointSinceHeadRecord = false
    private var lastCheckpointInstant = ContinuousClock.now
    private var clockSynchronised = true
    private var failure: MeterdError?
    private var budgetProblem: MeterdError?
    /// The last write error (a full disk): cleared by the next successful write.
    private var writeProblem: MeterdError?
    /// Set while segments that retention or the budget would remove cannot be: the journal then grows.
    private var retentionProblem: MeterdError?
    /// The size of the write `writeProblem` refused.
    private var refusedBytes = 0
    private var isClosed = false
    /// fdatasyncs of segment data so far (tests check that appends arriving together share one).
    private var syncs = 0

    /// Opens (or creates) the journal in `directory`, recovering from a crash: see `RecoveryReport`.
    /// Refuses (`wrongKey`), before it writes anything, a key that is not the one signing the journal.
    public static func open(directory: String, key: PrivateKey, options: JournalOptions = JournalOptions()) throws -> (Journal, RecoveryReport) {
        try FileIO.createDirectory(directory)
        let lock = try DirectoryLock(directory: directory)
        let headRecord = Result { try JournalHeadRecord.read(directory: directory) }
        // An unreadable head record is reported by the head check below.
        let readableHead = (try? headRecord.get()) ?? nil
        let scans = try JournalRecovery.scan(directory: directory)
        let (signer, signers) = JournalSigner.find(scans: scans, headRecord: readableHead)
        if let signer, signer.address != key.address {
            throw MeterdError.wrongKey(directory: directory, signer: signer.address.checksummed, evidence: signer.evidence, key: key.address.checksummed)
        }
        // A head record written before a key rotation is the old key's.
        let headSigner = readableHead.map { signers.signer(at: $0.sequence, final: key.address) } ?? key.address
        let trusted = readableHead.flatMap { $0.signer == headSigner ? $0 : nil }
        var recovery = try JournalRecovery.run(directory: directory, scans: scans, now: Date(), floor: trusted?.sequence ?? 0)
        let headFindings = JournalHeadCheck.check(present: recovery.present, oldest: recovery.oldestSequence, record: headRecord, signer: headSigner)
        recovery.notes += headFindings.filter(\.isDamage).map { finding in
            // A rollback is named at the start of the new segment that goes on past it, where the next
            // open sees the chain resume and must know the gap is already journaled.
            let segment = if case .rolledBack = finding { recovery.writer.name } else { JournalHeadRecord.fileName }
            return .journalBreak(JournalBreak(segment: segment, offset: 0, lastGoodSequence: recovery.present.sequence, detail: finding.description))
        }
        let journal = Journal(directory: directory, key: key, options: options, recovery: recovery, lock: lock)
        let uncovered = recovery.head.sequence - min(recovery.head.sequence, recovery.lastCheckpointSequence)
        if !recovery.notes.isEmpty {
            _ = try journal.append(recovery.notes.map { JournalEntry(time: Date(), payload: $0) })
        }
        if uncovered > 0 || !recovery.notes.isEmpty {
            _ = try journal.checkpoint()
        }
        // A segment that cannot be removed is said by `problem()`; the journal opens all the same.
        _ = try? journal.applyRetention(now: Date())
        let report = RecoveryReport(head: journal.head, segments: recovery.segments.count, records: recovery.records,
                                    cuts: recovery.cuts, breaks: recovery.breaks, uncheckpointedRecords: uncovered, headFindings: headFindings,
                                    signerProblems: signers.problems)
        return (journal, report)
    }

    private init(directory: String, key: PrivateKey, options: JournalOptions, recovery: JournalRecovery, lock: DirectoryLock) {
        self.lock = lock
        self.directory = directory
        self.options = options
        self.key = key
        self.writer = recovery.writer
        self.chainHead = recovery.head
        self.segments = recovery.segments
        self.anchored = recovery.anchoredUpTo
        self.writtenSequence = recovery.head.sequence
        self.durableSequence = recovery.head.sequence
        self.lastCheckpointSequence = recovery.lastCheckpointSequence
        self.firstSequence = recovery.oldestSequence ?? 1
        self.durableHash = recovery.head.hash
    }

    // MARK: - Reading state

    public var head: JournalHead { locked { chainHead } }
    /// The address of the key that signs this journal's checkpoints.
    public var address: Address { locked { key.address } }
    var anchoredUpTo: UInt64? { locked { anchored } }
    func segmentSummaries() -> [SegmentSummary] { locked { segments } }
    var syncCount: Int { locked { syncs } }
    /// Reads this journal's records (with filters) while it stays open for appending.
    var reader: JournalReader { JournalReader(directory: directory) }
    /// The loud error state for status: a stopped journal or an exhausted disk budget.
    func problem() -> MeterdError? { locked { failure ?? budgetProblem ?? writeProblem ?? retentionProblem } }

    /// While writes are refused (a full disk): what must be freed for the refused records and the
    /// next segment, as a sentence for the log and the status line.
    func roomNeeded() -> String? {
        locked {
            writeProblem == nil ? nil : "free at least \(refusedBytes + options.segmentBytes) bytes on the filesystem of \(directory) "
                + "(\(refusedBytes) for the refused records, up to \(options.segmentBytes) for the next segment)"
        }
    }

    /// Whether records appended from now on (and internal ones) are stamped as clock-synchronised.
    func setClockSynchronised(_ synchronised: Bool) { locked { clockSynchronised = synchronised } }

    // MARK: - Appending

    /// Appends `entries` in order and returns their sequence numbers once they are durable.
    @discardableResult
    public func append(_ entries: [JournalEntry]) throws -> [UInt64] {
        condition.lock()
        defer { condition.unlock() }
        try checkWritable()
        // Anchoring is what frees space, so it is never refused for lack of it.
        if !entries.allSatisfy({ $0.payload.kind == .anchored }) { try enforceBudget() }
        if writer.size >= options.segmentBytes { try rotate() }
        if case .everyRecord = options.fsync {
            // Each record is synced before the next is written (one sync may still cover another
            // appender's record written meanwhile).
            var sequences: [UInt64] = []
            for entry in entries {
                sequences += try write([entry])
                try waitDurable(sequences[sequences.count - 1])
            }
            return sequences
        }
        let sequences = try write(entries)
        try waitDurable(sequences.last ?? writtenSequence)
        return sequences
    }

    /// Writes `entries` now, in call order, without waiting for the disk: for a caller that must
    /// not stall (the poll loop) yet needs its records in the order it wrote them. Nothing is
    /// acknowledged until `waitUntilDurable` returns for the last sequence number.
    func enqueue(_ entries: [JournalEntry]) throws -> [UInt64] {
        condition.lock()
        defer { condition.unlock() }
        try checkWritable()
        if !entries.allSatisfy({ $0.payload.kind == .anchored }) { try enforceBudget() }
        if writer.size >= options.segmentBytes { try rotate() }
        return try write(entries)
    }

    /// Waits until every record up to `sequence` is on disk (syncing as the fsync policy says).
    func waitUntilDurable(_ sequence: UInt64) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            DispatchQueue.global().async {
                continuation.resume(with: Result {
                    self.condition.lock()
                    defer { self.condition.unlock() }
                    try self.waitDurable(sequence)
                })
            }
        }
    }

    /// The same, without blocking a cooperative thread while it waits for the disk.
    @discardableResult
    public func append(_ entries: [JournalEntry]) async throws -> [UInt64] {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try self.append(entries) })
            }
        }
    }

    /// Writes a signed checkpoint over the current head now and syncs it.
    @discardableResult
    func checkpoint() throws -> JournalHead {
        condition.lock()
        defer { condition.unlock() }
        try checkWritable()
        while syncing { condition.wait() }
        if lastCheckpointSequence < chainHead.sequence || chainHead.sequence == 0 { try writeCheckpoint() }
        try commitLocked(checkpointFirst: false)
        return chainHead
    }

    /// Hands the journal over to `newKey`: a key-rotation record signed by the current key and
    /// `newKey` over the head, then a checkpoint by `newKey`, synced in one commit (the head record is
    /// then rewritten by `newKey`). Only `newKey` signs from then on. Returns the rotation's sequence.
    @discardableResult
    func rotateKey(to newKey: PrivateKey) throws -> UInt64 {
        condition.lock()
        defer { condition.unlock() }
        try checkWritable()
        while syncing { condition.wait() }
        let rotation = try KeyRotation.signed(after: chainHead, old: key, new: newKey)
        let sequence = try write([JournalEntry(time: Date(), clockSynchronised: clockSynchronised, payload: .keyRotation(rotation))])[0]
        key = newKey
        try writeCheckpoint()
        try commitLocked(checkpointFirst: false)
        return sequence
    }

    /// Records that every record up to `sequence` is anchored on chain by `transactionHash` in `block`.
    func markAnchored(upTo sequence: UInt64, transactionHash: [UInt8], block: UInt64) throws {
        let current = head
        guard sequence <= current.sequence else {
            throw MeterdError.invalidEntry("cannot anchor up to sequence \(sequence): the journal ends at \(current.sequence)")
        }
        try append([JournalEntry(time: Date(), payload: .anchored(Anchor(sequence: sequence, transactionHash: transactionHash, block: block)))])
        locked {
            anchored = max(anchored ?? 0, sequence)
            // Frees space now if it can; if not, `problem()` keeps saying so.
            _ = try? enforceBudget()
        }
    }

    /// Writes a last checkpoint, syncs and closes the segment and the lock. Appends after this fail with `.closed`.
    public func close() throws {
        defer {
            locked {
                while syncing { condition.wait() }
                writer.close()
                isClosed = true
                lock = nil
            }
        }
        if locked({ isClosed || failure != nil }) { return }
        _ = try checkpoint()
    }

    // MARK: - Retention

    /// Removes closed segments whose records are all anchored and older than the retention.
    @discardableResult
    func applyRetention(now: Date) throws -> [String] {
        try locked { try removeSegments(now: now, ignoringAge: false) }
    }

    // MARK: - Internals (called with the lock held)

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        condition.lock()
        defer { condition.unlock() }
        return try body()
    }

    private func checkWritable() throws {
        if let failure { throw failure }
        if isClosed { throw MeterdError.journalClosed(directory: directory) }
    }

    private func write(_ entries: [JournalEntry]) throws -> [UInt64] {
        var buffer: [UInt8] = []
        var sequence = chainHead.sequence
        var hash = chainHead.hash
        var sequences: [UInt64] = []
        var last: Date?
        for entry in entries {
            let payload: [UInt8]
            do {
                payload = try PayloadCodec.encode(entry.payload)
            } catch {
                throw MeterdError.invalidEntry("\(error)")
            }
            sequence += 1
            let body = RecordFrame.body(kind: entry.payload.kind, sequence: sequence, time: entry.time,
                                        clockSynchronised: entry.clockSynchronised, payload: payload)
            guard body.count <= RecordFrame.maximumBodySize else { throw MeterdError.invalidEntry("a record of \(body.count) bytes is too large") }
            hash = RecordFrame.chainHash(previous: hash, body: body[...])
            buffer += RecordFrame.frame(body: body)
            sequences.append(sequence)
            last = entry.time
        }
        guard !sequences.isEmpty else { return [] }
        do {
            try writer.append(buffer)
            writeProblem = nil
        } catch let error as MeterdError {
            writeProblem = error
            refusedBytes = buffer.count
            throw error
        }
        chainHead = JournalHead(sequence: sequence, hash: hash)
        if writtenSequence == durableSequence { oldestPending = .now }
        writtenSequence = sequence
        let index = segments.count - 1
        segments[index].bytes = writer.size
        segments[index].firstSequence = segments[index].firstSequence ?? sequences.first
        segments[index].lastSequence = sequence
        segments[index].lastTime = last
        return sequences
    }

    private func writeCheckpoint() throws {
        let digest = RecordFrame.checkpointDigest(sequence: chainHead.sequence, headHash: chainHead.hash)
        let signature = try key.sign(digest: digest)
        let entry = JournalEntry(time: Date(), clockSynchronised: clockSynchronised,
                                 payload: .checkpoint(Checkpoint(headHash: chainHead.hash, signature: signature.bytes)))
        _ = try write([entry])
        lastCheckpointSequence = chainHead.sequence
        checkpointSinceHeadRecord = true
        lastCheckpointInstant = .now
    }

    private var checkpointDue: Bool {
        guard lastCheckpointSequence < writtenSequence else { return false }
        switch options.checkpoints {
        case .everyCommit: return true
        case .every(let interval, let records):
            return writtenSequence - lastCheckpointSequence >= UInt64(records) || ContinuousClock.now - lastCheckpointInstant >= interval
        }
    }

    /// When the next sync is due under the policy (nil: now).
    private var syncDeadline: ContinuousClock.Instant? {
        switch options.fsync {
        case .everyRecord, .groupCommit: return nil
        case .everyRecords(let count, let maxDelay):
            if writtenSequence - durableSequence >= UInt64(count) { return nil }
            return (oldestPending ?? .now) + maxDelay
        case .interval(let interval):
            return lastSyncEnd + interval
        }
    }

    private func waitDurable(_ sequence: UInt64) throws {
        while durableSequence < sequence {
            if let failure { throw failure }
            if syncing {
                condition.wait()
                continue
            }
            if let deadline = syncDeadline, deadline > .now {
                condition.wait(seconds: (deadline - .now).inSeconds)
                continue
            }
            try commitLocked()
        }
    }

    /// One commit: a checkpoint if due, then one fdatasync with the lock released meanwhile.
    private func commitLocked(checkpointFirst: Bool = true) throws {
        if checkpointFirst && checkpointDue { try writeCheckpoint() }
        let target = writtenSequence
        let targetHash = chainHead.hash
        let withCheckpoint = checkpointSinceHeadRecord
        checkpointSinceHeadRecord = false
        let file = writer
        syncing = true
        condition.unlock()
        var syncError: Error?
        do { try file.sync() } catch { syncError = error }
        condition.lock()
        syncs += 1
        syncing = false
        lastSyncEnd = .now
        defer { condition.broadcast() }
        if let syncError {
            failure = syncError as? MeterdError ?? .journalStopped(path: file.path, errno: EIO)
            throw failure!
        }
        if target > durableSequence {
            durableSequence = target
            durableHash = targetHash
        }
        // With the signed checkpoints (once a minute by default), not at every commit: its own
        // fsync would double the cost of a commit.
        if withCheckpoint { writeHeadRecord() }
        if durableSequence == writtenSequence { oldestPending = nil }
    }

    /// Rewrites the head record for the durable head. Its failure (a full disk) does not undo the
    /// commit: the records are on disk; it is said in `problem()` and the next commit tries again.
    private func writeHeadRecord() {
        do {
            try JournalHeadRecord.signed(head: JournalHead(sequence: durableSequence, hash: durableHash), firstSequence: firstSequence, key: key)
                .write(directory: directory)
        } catch {
            writeProblem = error as? MeterdError ?? .journalIO(operation: "writing the head record in", path: directory, errno: EIO)
        }
    }

    private func rotate() throws {
        while syncing { condition.wait() }
        if checkpointDue || lastCheckpointSequence < writtenSequence { try writeCheckpoint() }
        try commitLocked(checkpointFirst: false)
        writer = try SegmentWriter.create(directory: directory,
                                          header: SegmentHeader(firstSequence: chainHead.sequence + 1, startHash: chainHead.hash, created: Date()))
        segments.append(SegmentSummary(name: writer.name, bytes: writer.size, firstSequence: nil, lastSequence: nil, lastTime: nil, damaged: false))
        // As at open: a segment that cannot be removed is said by `problem()`, the rotation stands.
        _ = try? removeSegments(now: Date(), ignoringAge: false)
    }

    private func enforceBudget() throws {
        guard let budget = options.diskBudgetBytes else { return }
        if totalBytes < budget {
            budgetProblem = nil
            return
        }
        _ = try removeSegments(now: Date(), ignoringAge: true)
        if totalBytes >= budget {
            let unanchored = segments.filter { ($0.lastSequence ?? 0) > (anchored ?? 0) }.reduce(0) { $0 + $1.bytes }
            let problem = MeterdError.diskBudgetExceeded(directory: directory, usedBytes: totalBytes, budgetBytes: budget, unanchoredBytes: unanchored)
            budgetProblem = problem
            throw problem
        }
        budgetProblem = nil
    }

    private var totalBytes: Int { segments.reduce(0) { $0 + $1.bytes } }

    /// Removes closed, undamaged segments whose every record is anchored: past the retention, or
    /// (when over the disk budget) oldest first regardless of age. Never the open segment; never a
    /// damaged one (it is kept for inspection, and removing it would hide the damage).
    private func removeSegments(now: Date, ignoringAge: Bool) throws -> [String] {
        var removed: [String] = []
        let retention = Double(options.retention.components.seconds)
        var index = 0
        while index < segments.count - 1 {
            let candidate = segments[index]
            if candidate.damaged {
                index += 1
                continue
            }
            // Anchors and ages only grow along the chain, so the first segment that does not qualify ends the pass.
            guard let last = candidate.lastSequence ?? candidate.firstSequence.map({ $0 - 1 }), last <= (anchored ?? 0) else { break }
            if ignoringAge {
                if let budget = options.diskBudgetBytes, totalBytes < budget { break }
            } else {
                guard let time = candidate.lastTime, now.timeIntervalSince(time) > retention else { break }
            }
            firstSequence = segments[index + 1].firstSequence ?? last + 1
            writeHeadRecord()
            let path = directory.appendingPathComponent(candidate.name)
            // One removed by hand already is as good as removed.
            guard unlink(path) == 0 || errno == ENOENT else {
                retentionProblem = .journalIO(operation: "removing", path: path, errno: errno)
                throw retentionProblem!
            }
            segments.remove(at: index)
            removed.append(candidate.name)
        }
        if !removed.isEmpty { try FileIO.syncDirectory(directory) }
        retentionProblem = nil
        return removed
    }
}
