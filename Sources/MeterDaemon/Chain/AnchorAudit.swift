import ChainClient
import FoundationEssentials
import Logging

/// The journal against the agreement's batches on chain, at start and whenever a batch may have gone
/// on chain without its records (a restart while one was in flight, a full disk): bounded to the
/// batches after the newest one the journal already records as confirmed.
///
/// Every anchored head must be a record the journal holds (what is missing is logged at error level
/// and journaled as a break); every batch must have its batch-submitted and batch-confirmed records,
/// and its head an anchored record: what the chain confirms that the journal lacks is journaled, once.
struct AnchorAudit {
    let chain: ChainConfiguration
    let rpc: RPCClient
    let journal: Journal
    /// The device whose journal this is: batches another device sent are not looked for in it.
    let device: Address
    let logger: Logger

    /// What the newest segments record of the batches, back to the newest batch-confirmed record.
    private struct Tail {
        var lastConfirmed: Batch?
        var submitted: Set<UInt64> = []
        var confirmed: Set<UInt64> = []
        var firstSequence: UInt64?
    }

    /// Checks and repairs the batches before `inFlight` (the submitter journals that one itself).
    /// Returns the confirmed block it read up to and the newest batch the journal now records.
    func run(before inFlight: UInt64?) async throws -> (confirmedHead: UInt64, lastBatch: UInt64) {
        let tail = try readTail()
        let known = tail.lastConfirmed?.batchSequence ?? 0
        let reading = try await ChainAnchorReader.read(chain: chain, rpc: rpc, from: tail.lastConfirmed?.block ?? chain.startBlock, device: device)
        let anchors = reading.anchors.filter { $0.batchSeq > known && $0.batchSeq < (inFlight ?? .max) }
        defer {
            logger.notice("journal checked against its anchors on chain", metadata: [
                "batches": "\(anchors.count) after batch \(known)", "blocks": "\(reading.firstBlock)...\(reading.confirmedHead)"])
        }
        let outcome = (reading.confirmedHead, max(known, anchors.last?.batchSeq ?? 0))
        guard !anchors.isEmpty else { return outcome }
        let held = try heldHeads(anchors, from: tail.firstSequence)
        let end = journal.head.sequence
        let check = JournalAnchorCheck.check(anchors: anchors, held: held, oldest: tail.firstSequence, end: end, keptFrom: tail.firstSequence)
        for finding in check.findings {
            logger.error("journal: \(finding)", metadata: ["directory": "\(journal.directory)"])
            _ = try await journal.append([JournalEntry(time: Date(), payload: .journalBreak(JournalBreak(
                segment: "anchors on chain", offset: anchors.first?.block ?? 0, lastGoodSequence: end, detail: finding.description)))])
        }
        for anchor in anchors {
            let batch = Batch(batchSequence: anchor.batchSeq, firstSlot: anchor.firstSlot, slotCount: UInt32(clamping: anchor.slotCount),
                              transactionHash: anchor.transactionHash)
            var entries: [JournalEntry] = []
            if !tail.submitted.contains(anchor.batchSeq) { entries.append(JournalEntry(time: Date(), payload: .batchSubmitted(batch))) }
            if !tail.confirmed.contains(anchor.batchSeq) {
                var confirmed = batch
                confirmed.block = anchor.block
                entries.append(JournalEntry(time: Date(), payload: .batchConfirmed(confirmed)))
            }
            let unanchored = held[anchor.journalHead].flatMap { $0 > (journal.anchoredUpTo ?? 0) ? $0 : nil }
            guard !entries.isEmpty || unanchored != nil else { continue }
            if !entries.isEmpty { _ = try await journal.append(entries) }
            if let unanchored { try journal.markAnchored(upTo: unanchored, transactionHash: anchor.transactionHash, block: anchor.block) }
            logger.notice("journal: batch \(anchor.batchSeq), confirmed on chain in block \(anchor.block), lacked records; journaled now",
                          metadata: ["tx": "\(Hex.encode(anchor.transactionHash))"])
        }
        return outcome
    }

    /// Reads the newest segments back to the one holding the newest batch-confirmed record.
    private func readTail() throws -> Tail {
        var tail = Tail()
        for segment in journal.segmentSummaries().filter({ !$0.damaged }).reversed() {
            guard let first = segment.firstSequence else { continue }
            tail = Tail(firstSequence: first)
            try journal.reader.forEach(RecordFilter(kinds: [.batchSubmitted, .batchConfirmed], fromSequence: first)) { record in
                switch record.payload {
                case .batchSubmitted(let batch): tail.submitted.insert(batch.batchSequence)
                case .batchConfirmed(let batch):
                    tail.confirmed.insert(batch.batchSequence)
                    if batch.batchSequence >= (tail.lastConfirmed?.batchSequence ?? 0) { tail.lastConfirmed = batch }
                default: break
                }
            }
            if tail.lastConfirmed != nil { break }
        }
        return tail
    }

    /// Where the journal holds the anchors' heads, from `first` on (a segment's start hash vouches for the record before it).
    private func heldHeads(_ anchors: [BatchAnchor], from first: UInt64?) throws -> [[UInt8]: UInt64] {
        let wanted = Set(anchors.map(\.journalHead))
        var held: [[UInt8]: UInt64] = [:]
        guard let first else { return held }
        try journal.reader.forEach(RecordFilter(fromSequence: first)) { record in
            if wanted.contains(record.hash), held[record.hash] == nil { held[record.hash] = record.sequence }
        }
        return held
    }
}
