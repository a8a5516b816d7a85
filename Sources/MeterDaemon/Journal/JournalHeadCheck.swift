import ChainClient
import FoundationEssentials

/// A head the journal is known to have reached, and who says so (the head record; the heads anchored
/// on chain name no sequence and are checked by `JournalAnchorCheck`).
struct ExpectedHead: Sendable, Equatable {
    var sequence: UInt64
    var hash: [UInt8]
    var source: String

    init(sequence: UInt64, hash: [UInt8], source: String) {
        self.sequence = sequence
        self.hash = hash
        self.source = source
    }
}

/// What comparing the segments with the head record (and any other expected heads) found.
public enum JournalHeadFinding: Sendable, Equatable, CustomStringConvertible {
    /// Records exist but no head record: a journal written before meterd kept one, or the record was
    /// deleted; rollback cannot be checked until the next commit writes one.
    case noHeadRecord
    case unreadableHeadRecord(String)
    case wrongSigner(expected: String, found: String?)
    /// The newest records are gone: the journal ends before a head it reached.
    case rolledBack(missing: ClosedRange<UInt64>, source: String)
    /// The journal ends at the expected sequence with another chain hash: its records were replaced.
    case replaced(sequence: UInt64, source: String)
    /// The oldest records are gone, though retention had not removed them.
    case truncatedAtFront(missing: ClosedRange<UInt64>)

    /// Everything but a missing or unreadable head record (a crash may leave one unreadable, see
    /// `JournalHeadRecord.write`) is damage to report and journal.
    public var isDamage: Bool {
        switch self {
        case .noHeadRecord, .unreadableHeadRecord: return false
        default: return true
        }
    }

    public var description: String {
        switch self {
        case .noHeadRecord:
            return "the journal has no head record (\(JournalHeadRecord.fileName)); a rollback cannot be checked until meterd writes one"
        case .unreadableHeadRecord(let why):
            return "the head record is unreadable (\(why)); a rollback cannot be checked"
        case .wrongSigner(let expected, let found):
            return "the head record is signed by \(found ?? "no valid key"), not \(expected); it is not trusted"
        case .rolledBack(let missing, let source):
            return "the journal was rolled back: records \(missing.lowerBound) to \(missing.upperBound) are missing (\(source) says it reached \(missing.upperBound))"
        case .replaced(let sequence, let source):
            return "record \(sequence) is not the one \(source) names: the journal's records were replaced"
        case .truncatedAtFront(let missing):
            return "the journal was truncated at the front: records \(missing.lowerBound) to \(missing.upperBound) are missing (the head record says the journal keeps them)"
        }
    }
}

/// Compares the records present with the heads the journal is known to have reached. Pure.
enum JournalHeadCheck {
    /// `present`: the newest record in the segments; `oldest`: the first sequence of the oldest segment
    /// (nil when none).
    static func check(present: JournalHead, oldest: UInt64?, record: Result<JournalHeadRecord?, any Error>,
                             signer: Address) -> [JournalHeadFinding] {
        var findings: [JournalHeadFinding] = []
        var expected: [ExpectedHead] = []
        switch record {
        case .failure(let error):
            findings.append(.unreadableHeadRecord("\(error)"))
        case .success(nil):
            if present.sequence > 0 { findings.append(.noHeadRecord) }
        case .success(let record?):
            let found = record.signer
            if found != signer {
                findings.append(.wrongSigner(expected: signer.checksummed, found: found?.checksummed))
            } else {
                expected.insert(ExpectedHead(sequence: record.sequence, hash: record.hash, source: "the head record"), at: 0)
                if let oldest, oldest > record.firstSequence, record.firstSequence <= present.sequence {
                    findings.append(.truncatedAtFront(missing: record.firstSequence...(oldest - 1)))
                }
            }
        }
        for head in expected {
            if present.sequence < head.sequence {
                findings.append(.rolledBack(missing: (present.sequence + 1)...head.sequence, source: head.source))
            } else if present.sequence == head.sequence, present.hash != head.hash {
                findings.append(.replaced(sequence: head.sequence, source: head.source))
            }
        }
        return findings
    }
}
