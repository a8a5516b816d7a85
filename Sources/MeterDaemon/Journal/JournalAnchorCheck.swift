import ChainClient

/// A way the journal falls short of the heads its batches anchored on chain. Each names the batches
/// (and their blocks) whose anchored heads the journal does not hold, and the records missing.
public enum AnchorFinding: Sendable, Equatable, CustomStringConvertible {
    /// The newest records are gone: the journal ends at `end`, before heads the batches anchored.
    case rolledBack(batches: ClosedRange<UInt64>, blocks: ClosedRange<UInt64>, end: UInt64)
    /// The oldest records are gone, and no signed head record says retention removed them.
    case truncatedAtFront(batches: ClosedRange<UInt64>, blocks: ClosedRange<UInt64>, missing: ClosedRange<UInt64>)
    /// The journal holds records between `after` and `before`, but not the ones the batches anchored:
    /// it was rolled back and written again.
    case replaced(batches: ClosedRange<UInt64>, blocks: ClosedRange<UInt64>, after: UInt64, before: UInt64)
    /// A later batch anchored an older record than an earlier batch did.
    case outOfOrder(batch: UInt64, sequence: UInt64, previousBatch: UInt64, previousSequence: UInt64)

    public var description: String {
        switch self {
        case .rolledBack(let batches, let blocks, let end):
            return "the journal was rolled back: \(Self.name(batches, blocks)) anchored journal heads it does not hold; "
                + "records from \(end + 1) on are missing (the journal ends at record \(end))"
        case .truncatedAtFront(let batches, let blocks, let missing):
            return "the journal was truncated at the front: \(Self.name(batches, blocks)) anchored records before its oldest one; "
                + "records \(missing.lowerBound) to \(missing.upperBound) are missing"
        case .replaced(let batches, let blocks, let after, let before):
            return "records after \(after) and before \(before) are not the ones \(Self.name(batches, blocks)) anchored: "
                + "the journal was rolled back and written again"
        case .outOfOrder(let batch, let sequence, let previousBatch, let previousSequence):
            return "batch \(batch) anchored record \(sequence), older than record \(previousSequence) that batch \(previousBatch) anchored: "
                + "the journal's records were replaced"
        }
    }

    static func name(_ batches: ClosedRange<UInt64>, _ blocks: ClosedRange<UInt64>) -> String {
        let which = batches.count == 1 ? "batch \(batches.lowerBound)" : "batches \(batches.lowerBound) to \(batches.upperBound)"
        let when = blocks.count == 1 ? "block \(blocks.lowerBound)" : "blocks \(blocks.lowerBound) to \(blocks.upperBound)"
        return "\(which) (\(when))"
    }
}

/// What the journal holds of its anchors on chain.
public struct AnchorCheckResult: Sendable, Equatable {
    public var checked = 0
    public var held = 0
    /// Batches whose anchored records retention removed (the signed head record says so).
    public var retired: ClosedRange<UInt64>?
    public var findings: [AnchorFinding] = []
}

/// Compares the journal with the heads its batches anchored on chain. Pure.
///
/// Heads only grow from batch to batch, so the journal must hold every anchored head, in batch order.
/// A run of batches whose heads it lacks is judged by what surrounds it: after the last head held, the
/// newest records are gone; before the first, the oldest are (unless the head record's first sequence
/// says retention removed them); between two held heads, the records there were replaced.
enum JournalAnchorCheck {
    /// `anchors` in batch order; `held`: where the journal holds an anchored head (hash → sequence);
    /// `oldest`: the first sequence of its oldest segment; `end`: its newest record; `keptFrom`: the
    /// oldest sequence the trusted head record says the journal keeps (nil without one).
    static func check(anchors: [BatchAnchor], held: [[UInt8]: UInt64], oldest: UInt64?, end: UInt64,
                             keptFrom: UInt64?) -> AnchorCheckResult {
        var result = AnchorCheckResult(checked: anchors.count)
        var previous: (batch: UInt64, sequence: UInt64)?
        var run: [BatchAnchor] = []

        func judge(before next: UInt64?) {
            guard let firstMissing = run.first, let lastMissing = run.last else { return }
            defer { run = [] }
            let batches = firstMissing.batchSeq...lastMissing.batchSeq
            let blocks = firstMissing.block...lastMissing.block
            if let previous {
                if let next {
                    result.findings.append(.replaced(batches: batches, blocks: blocks, after: previous.sequence, before: next))
                } else {
                    result.findings.append(.rolledBack(batches: batches, blocks: blocks, end: end))
                }
                return
            }
            let first = oldest ?? end + 1
            let floor = keptFrom ?? 1
            if first > floor {
                result.findings.append(.truncatedAtFront(batches: batches, blocks: blocks, missing: floor...(first - 1)))
            } else if let next {
                if first > 1 {
                    result.retired = (result.retired?.lowerBound ?? batches.lowerBound)...batches.upperBound
                } else {
                    result.findings.append(.replaced(batches: batches, blocks: blocks, after: 0, before: next))
                }
            } else {
                result.findings.append(.rolledBack(batches: batches, blocks: blocks, end: end))
            }
        }

        for anchor in anchors {
            guard let sequence = held[anchor.journalHead] else {
                run.append(anchor)
                continue
            }
            judge(before: sequence)
            if let previous, sequence < previous.sequence {
                result.findings.append(.outOfOrder(batch: anchor.batchSeq, sequence: sequence,
                                                   previousBatch: previous.batch, previousSequence: previous.sequence))
            }
            previous = (anchor.batchSeq, sequence)
            result.held += 1
        }
        judge(before: nil)
        return result
    }
}
