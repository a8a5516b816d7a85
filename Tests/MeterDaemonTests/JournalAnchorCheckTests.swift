@testable import ChainClient
@testable import MeterDaemon
import Testing

/// How a run of batches whose anchored heads the journal lacks is judged by what surrounds it (the
/// cases the chain tests cannot arrange with whole segments).
struct JournalAnchorCheckTests {
    static func anchor(_ batch: UInt64) -> BatchAnchor {
        BatchAnchor(batchSeq: batch, firstSlot: batch, slotCount: 1, journalHead: [UInt8](repeating: UInt8(batch), count: 32),
                    block: 100 + batch, transactionHash: [UInt8](repeating: 0xAA, count: 32))
    }

    static let anchors = (1...4).map(anchor)

    static func held(_ sequences: [UInt64: UInt64]) -> [[UInt8]: UInt64] {
        Dictionary(uniqueKeysWithValues: sequences.map { (anchor($0.key).journalHead, $0.value) })
    }

    @Test func aJournalHoldingEveryHeadInOrderHasNoFinding() {
        let result = JournalAnchorCheck.check(anchors: Self.anchors, held: Self.held([1: 10, 2: 20, 3: 30, 4: 40]), oldest: 1, end: 45, keptFrom: 1)
        #expect(result.checked == 4 && result.held == 4 && result.retired == nil && result.findings.isEmpty)
    }

    @Test func headsBetweenTwoHeldOnesWereReplaced() {
        let result = JournalAnchorCheck.check(anchors: Self.anchors, held: Self.held([1: 10, 4: 40]), oldest: 1, end: 45, keptFrom: 1)
        #expect(result.findings == [.replaced(batches: 2...3, blocks: 102...103, after: 10, before: 40)])
    }

    @Test func headsBeforeTheOldestRecordAreRetentionsWhenTheHeadRecordSaysSo() {
        let retained = JournalAnchorCheck.check(anchors: Self.anchors, held: Self.held([3: 30, 4: 40]), oldest: 25, end: 45, keptFrom: 25)
        #expect(retained.findings.isEmpty && retained.retired == 1...2)
        let deleted = JournalAnchorCheck.check(anchors: Self.anchors, held: Self.held([3: 30, 4: 40]), oldest: 25, end: 45, keptFrom: 11)
        #expect(deleted.findings == [.truncatedAtFront(batches: 1...2, blocks: 101...102, missing: 11...24)])
        let noHeadRecord = JournalAnchorCheck.check(anchors: Self.anchors, held: Self.held([3: 30, 4: 40]), oldest: 25, end: 45, keptFrom: nil)
        #expect(noHeadRecord.findings == [.truncatedAtFront(batches: 1...2, blocks: 101...102, missing: 1...24)])
    }

    @Test func aHeadOlderThanTheBatchBeforeItsIsOutOfOrder() {
        let result = JournalAnchorCheck.check(anchors: Self.anchors, held: Self.held([1: 10, 2: 30, 3: 20, 4: 40]), oldest: 1, end: 45, keptFrom: 1)
        #expect(result.findings == [.outOfOrder(batch: 3, sequence: 20, previousBatch: 2, previousSequence: 30)])
    }

    @Test func aJournalHoldingNoHeadWasRolledBack() {
        let result = JournalAnchorCheck.check(anchors: Self.anchors, held: [:], oldest: 1, end: 5, keptFrom: 1)
        #expect(result.findings == [.rolledBack(batches: 1...4, blocks: 101...104, end: 5)])
        #expect(result.findings.first?.description == "the journal was rolled back: batches 1 to 4 (blocks 101 to 104) anchored journal heads it does not hold; "
                + "records from 6 on are missing (the journal ends at record 5)")
    }

    @Test func eachDeviceIsAnsweredForTheBatchesSentWhileItWasTheAgreementsDevice() {
        let (a, b, c) = (PrivateKey.generate().address, PrivateKey.generate().address, PrivateKey.generate().address)
        let entries: [BatchAnchors.Entry] = [.batch(Self.anchor(1)), .batch(Self.anchor(2)), .deviceChanged(old: a, new: b),
                                             .batch(Self.anchor(3)), .deviceChanged(old: b, new: a), .batch(Self.anchor(4))]
        #expect(BatchAnchors.anchors(of: a, in: entries, currentDevice: a).map(\.batchSeq) == [1, 2, 4])
        #expect(BatchAnchors.anchors(of: b, in: entries, currentDevice: a).map(\.batchSeq) == [3])
        #expect(BatchAnchors.anchors(of: c, in: entries, currentDevice: a).isEmpty)
        // Read from a block after the last change: the batches are the current device's.
        #expect(BatchAnchors.anchors(of: a, in: [.batch(Self.anchor(5))], currentDevice: a).map(\.batchSeq) == [5])
        #expect(BatchAnchors.anchors(of: b, in: [.batch(Self.anchor(5))], currentDevice: a).isEmpty)
    }
}
