import ChainClient
import FoundationEssentials

/// The result of checking a whole journal offline.
public struct VerificationReport: Sendable, Equatable {
    public var segments = 0
    public var records = 0
    public var checkpoints = 0
    var bytes = 0
    /// Every problem found, in chain order; the first is the one to look at.
    public var problems: [ScanProblem] = []
    /// The newest record a valid checkpoint covers.
    var lastCheckpointedSequence: UInt64?
    var lastSequence: UInt64?
    /// The segments against the head record; damage is also in `problems`.
    public var headFindings: [JournalHeadFinding] = []
    /// The valid key rotations, in chain order: the signer changes only there.
    public var keyRotations: [KeyHandover] = []
    /// The journal against the heads its batches anchored on chain (when verified with them).
    public var anchors = AnchorCheckResult()

    public var isValid: Bool { problems.isEmpty && anchors.findings.isEmpty }
    /// Records after the last checkpoint: a running daemon signs them at its next checkpoint.
    public var unsignedTail: UInt64 { (lastSequence ?? 0) - min(lastSequence ?? 0, lastCheckpointedSequence ?? 0) }
}

/// Progress through a long verification, per segment.
public struct VerificationProgress: Sendable {
    public var segment: String
    public var segmentIndex: Int
    public var segmentCount: Int
    public var bytesDone: Int
    public var bytesTotal: Int
}

/// Checks framing, checksums, sequence numbers, the hash chain within and across segments, every
/// checkpoint's signature (by `signer`, or by the key it took over from at a valid key rotation, see
/// `SignerTrail`), the segments against the signed head record, and against `anchors`, the agreement's
/// batches on chain: the journal must hold every head they anchored.
public enum JournalVerifier {
    public static func verify(directory: String, signer: Address, anchors: [BatchAnchor] = [],
                              progress: (VerificationProgress) -> Void = { _ in },
                              record: (JournalRecord) -> Void = { _ in }) throws -> VerificationReport {
        // Read before the segments: a running daemon only moves it forward, never past them.
        let headRecord = Result { try JournalHeadRecord.read(directory: directory) }
        let reader = JournalReader(directory: directory)
        let names = try reader.segmentNames()
        let total = names.reduce(0) { $0 + FileIO.fileSize(directory.appendingPathComponent($1)) }
        var report = VerificationReport()
        var previous: (scan: SegmentScan, name: String)?
        var oldest: UInt64?
        var signers = SignerTrail()
        let anchoredHeads = Set(anchors.map(\.journalHead))
        var held: [[UInt8]: UInt64] = [:]
        for (index, name) in names.enumerated() {
            let bytes = try FileIO.readAll(directory.appendingPathComponent(name))
            var checkpoints = 0
            let signerProblems = signers.problems.count
            let scan = try withoutActuallyEscaping(record) { record in
                var options = SegmentScan.Options()
                options.onRecord = { decoded, offset in
                    if decoded.kind == .checkpoint { checkpoints += 1 }
                    signers.note(decoded, segment: name, offset: offset)
                    if anchoredHeads.contains(decoded.hash), held[decoded.hash] == nil { held[decoded.hash] = decoded.sequence }
                    record(decoded)
                }
                return try SegmentScan.scan(name: name, bytes: bytes, options: options)
            }
            if let earlier = previous, earlier.scan.problem == nil, let header = scan.header,
               let reason = JournalRecovery.discontinuity(previous: earlier.scan, header: header) {
                report.problems.append(ScanProblem(segment: name, offset: 0, sequence: header.firstSequence, kind: .chainDiscontinuity(reason)))
            }
            report.problems += signers.problems[signerProblems...]
            if let problem = scan.problem { report.problems.append(problem) }
            // The record before a segment is vouched for by the segment's start hash (the oldest one's is not held otherwise).
            if let header = scan.header, header.firstSequence > 0, anchoredHeads.contains(header.startHash), held[header.startHash] == nil {
                held[header.startHash] = header.firstSequence - 1
            }
            if oldest == nil { oldest = scan.header?.firstSequence }
            report.segments += 1
            report.records += scan.recordCount
            report.checkpoints += checkpoints
            report.bytes += bytes.count
            if let last = scan.lastSequence { report.lastSequence = last }
            if let covered = scan.lastCheckpointSequence { report.lastCheckpointedSequence = covered }
            previous = (scan, name)
            progress(VerificationProgress(segment: name, segmentIndex: index + 1, segmentCount: names.count,
                                          bytesDone: report.bytes, bytesTotal: total))
        }
        if let mismatch = signers.mismatch(expected: signer) {
            report.problems.insert(mismatch, at: report.problems.firstIndex { $0.sequence > mismatch.sequence } ?? report.problems.count)
        }
        report.keyRotations = signers.rotations
        // A head record written before a rotation is the old key's.
        let headSigner = ((try? headRecord.get()) ?? nil).map { signers.signer(at: $0.sequence, final: signer) } ?? signer
        let present = JournalHead(sequence: report.lastSequence ?? 0, hash: previous?.scan.headHash ?? [])
        report.headFindings = JournalHeadCheck.check(present: present, oldest: oldest, record: headRecord, signer: headSigner)
        for finding in report.headFindings where finding.isDamage {
            report.problems.append(ScanProblem(segment: JournalHeadRecord.fileName, offset: 0, sequence: present.sequence, kind: .headRecord(finding)))
        }
        let trusted = (try? headRecord.get())?.flatMap { $0.signer == headSigner ? $0 : nil }
        report.anchors = JournalAnchorCheck.check(anchors: anchors, held: held, oldest: oldest, end: present.sequence, keptFrom: trusted?.firstSequence)
        return report
    }
}
