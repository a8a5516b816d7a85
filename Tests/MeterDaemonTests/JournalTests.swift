import ChainClient
import Drivers
import Foundation
import Testing
@testable import MeterDaemon

@Suite struct JournalTests {
    let key = JournalFixtures.key

    @Test func appendedRecordsReadBackInOrderAndVerify() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let (journal, report) = try Journal.open(directory: directory.path, key: key, options: JournalFixtures.fastOptions)
        #expect(report.isClean && report.head.sequence == 0)
        let sequences = try journal.append(JournalFixtures.readingEntries(0..<10))
        #expect(sequences == Array(1...10))
        let gap = Gap(meter: "sdm630", from: JournalFixtures.base, to: JournalFixtures.base.addingTimeInterval(5), reason: "timeout")
        try journal.append([JournalEntry(time: JournalFixtures.base, clockSynchronised: false, payload: .gap(gap))])
        try journal.close()

        let records = try JournalReader(directory: directory.path).records()
        #expect(records.map(\.sequence) == Array(1...UInt64(records.count)))
        let readings = records.compactMap { record -> Reading? in
            if case .reading(let reading) = record.payload { return reading } else { return nil }
        }
        #expect(readings == (0..<10).map { JournalFixtures.reading($0) })
        #expect(records.contains { $0.payload == .gap(gap) && !$0.clockSynchronised })
        let verification = try JournalVerifier.verify(directory: directory.path, signer: key.address)
        #expect(verification.isValid, "\(verification.problems)")
        #expect(verification.unsignedTail == 0)
        #expect(verification.checkpoints >= 2)
    }

    @Test func verificationAgainstAnotherAddressFailsAtTheFirstCheckpoint() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let (journal, _) = try Journal.open(directory: directory.path, key: key, options: JournalFixtures.fastOptions)
        try journal.append(JournalFixtures.readingEntries(0..<3))
        try journal.close()
        let other = PrivateKey.generate().address
        let report = try JournalVerifier.verify(directory: directory.path, signer: other)
        // The first checkpoint, then the head record: neither is the other address's.
        #expect(report.problems.count == 2)
        guard case .headRecord(.wrongSigner(let headExpected, let headFound)) = report.problems.last?.kind else {
            Issue.record("expected the head record's signer to be reported, got \(report.problems)")
            return
        }
        #expect(headExpected == other.checksummed && headFound == key.address.checksummed)
        guard case .signature(let expected, let found) = report.problems.first?.kind else {
            Issue.record("expected a signature problem, got \(report.problems)")
            return
        }
        #expect(expected == other.checksummed && found == key.address.checksummed)
        #expect(report.problems.first?.sequence == 4)
    }

    @Test func reopeningContinuesTheChain() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        for round in 0..<3 {
            let (journal, report) = try Journal.open(directory: directory.path, key: key, options: JournalFixtures.fastOptions)
            #expect(report.isClean)
            try journal.append(JournalFixtures.readingEntries((round * 5)..<(round * 5 + 5)))
            try journal.close()
        }
        let verification = try JournalVerifier.verify(directory: directory.path, signer: key.address)
        #expect(verification.isValid, "\(verification.problems)")
        #expect(try JournalReader(directory: directory.path).records(RecordFilter(kinds: [.reading])).count == 15)
    }

    @Test func aClosedJournalHoldsNoFileOpenThoughStillReferenced() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let (journal, _) = try Journal.open(directory: directory.path, key: key, options: JournalFixtures.fastOptions)
        try journal.append(JournalFixtures.readingEntries(0..<3))
        #expect(try Self.descriptorsOpen(in: directory.path).count == 2, "the open segment and the lock")
        try journal.close()
        let stillOpen = try withExtendedLifetime(journal) { try Self.descriptorsOpen(in: directory.path) }
        #expect(stillOpen == [])
    }

    /// The files in `directory` this process holds open, from /proc/self/fd.
    private static func descriptorsOpen(in directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").compactMap { descriptor in
            // A descriptor closed since the listing has no link left to read.
            let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(descriptor)")
            return target.flatMap { $0.hasPrefix(directory + "/") ? $0 : nil }
        }
    }

    @Test func segmentsRotateAndTheChainCrossesThem() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var options = JournalFixtures.fastOptions
        options.segmentBytes = 2_000
        let (journal, _) = try Journal.open(directory: directory.path, key: key, options: options)
        for index in 0..<60 { try journal.append(JournalFixtures.readingEntries(index..<(index + 1))) }
        try journal.close()
        #expect(JournalFixtures.segments(directory).count > 3)
        let verification = try JournalVerifier.verify(directory: directory.path, signer: key.address)
        #expect(verification.isValid, "\(verification.problems)")
        #expect(verification.segments == JournalFixtures.segments(directory).count)
    }

    @Test func concurrentAppendersShareCommitsAndLoseNothing() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let (journal, _) = try Journal.open(directory: directory.path, key: key, options: JournalOptions(fsync: .everyRecords(16, maxDelay: .milliseconds(5))))
        try await withThrowingTaskGroup(of: [UInt64].self) { group in
            for writer in 0..<8 {
                group.addTask { try await journal.append(JournalFixtures.readingEntries((writer * 100)..<(writer * 100 + 25))) }
            }
            var all: [UInt64] = []
            for try await sequences in group { all += sequences }
            #expect(Set(all).count == 200)
        }
        try journal.close()
        let verification = try JournalVerifier.verify(directory: directory.path, signer: key.address)
        #expect(verification.isValid, "\(verification.problems)")
        #expect(try JournalReader(directory: directory.path).records(RecordFilter(kinds: [.reading])).count == 200)
    }

    @Test func appendsArrivingTogetherShareOneFsync() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        // No sync until 100 records wait (the 60 s bound is never reached): four appenders of 25 share it.
        let (journal, _) = try Journal.open(directory: directory.path, key: key,
                                            options: JournalOptions(fsync: .everyRecords(100, maxDelay: .seconds(60)), checkpoints: .everyCommit))
        let before = journal.syncCount
        let group = DispatchGroup()
        for writer in 0..<4 {
            group.enter()
            Thread.detachNewThread {
                _ = try? journal.append(JournalFixtures.readingEntries((writer * 25)..<(writer * 25 + 25)))
                group.leave()
            }
        }
        group.wait()
        #expect(journal.syncCount - before == 1)
        try journal.close()
        let verification = try JournalVerifier.verify(directory: directory.path, signer: key.address)
        #expect(verification.isValid && verification.records == 101, "100 readings and the checkpoint of their one commit")
    }

    @Test func filtersSelectByTimeKindAndSequence() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let (journal, _) = try Journal.open(directory: directory.path, key: key, options: JournalFixtures.fastOptions)
        try journal.append(JournalFixtures.readingEntries(0..<20))
        try journal.append([JournalEntry(time: JournalFixtures.base, payload: .relayTransition(RelayTransition(from: "connected", to: "disconnected", cause: "test")))])
        try journal.close()
        let reader = JournalReader(directory: directory.path)
        let window = try reader.records(RecordFilter(since: JournalFixtures.base.addingTimeInterval(5), until: JournalFixtures.base.addingTimeInterval(10), kinds: [.reading]))
        #expect(window.count == 5)
        #expect(try reader.records(RecordFilter(kinds: Set(RecordKind.matching("relay")))).count == 1)
        #expect(Set(RecordKind.matching("batch")) == [.batchSubmitted, .batchConfirmed, .anchored])
    }

    /// Forty readings in segments of 1,500 bytes, kept for an hour once anchored.
    private func journalForRetention(in directory: TemporaryDirectory) throws -> Journal {
        var options = JournalFixtures.fastOptions
        options.segmentBytes = 1_500
        options.retention = .seconds(3_600)
        let (journal, _) = try Journal.open(directory: directory.path, key: key, options: options)
        for index in 0..<40 { try journal.append(JournalFixtures.readingEntries(index..<(index + 1))) }
        return journal
    }

    @Test func retentionRemovesOnlyAnchoredOldSegments() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let journal = try journalForRetention(in: directory)
        let before = JournalFixtures.segments(directory)
        #expect(try journal.applyRetention(now: Date()).isEmpty, "nothing is anchored yet")
        let anchorAt = journal.segmentSummaries()[2].lastSequence!
        try journal.markAnchored(upTo: anchorAt, transactionHash: [UInt8](repeating: 1, count: 32), block: 9)
        #expect(try journal.applyRetention(now: Date()).isEmpty, "anchored, but younger than the retention")
        let removed = try journal.applyRetention(now: Date().addingTimeInterval(7_200))
        #expect(removed == Array(before.prefix(3)))
        #expect(journal.segmentSummaries().first.map { ($0.firstSequence ?? 0) > anchorAt } == true)
        try journal.close()
        let verification = try JournalVerifier.verify(directory: directory.path, signer: key.address)
        #expect(verification.isValid, "a journal whose oldest segments were removed still verifies: \(verification.problems)")
        expectMeterdError(\.isJournalRefusal) { try journal.append(JournalFixtures.readingEntries(0..<1)) }
    }

    @Test func aSegmentRetentionCannotRemoveIsTheJournalsProblemUntilItCan() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let journal = try journalForRetention(in: directory)
        defer { try? journal.close() }
        try journal.markAnchored(upTo: journal.segmentSummaries()[2].lastSequence!, transactionHash: [UInt8](repeating: 1, count: 32), block: 9)
        // Where the oldest segment was, something unlink(2) refuses (even to root): a directory.
        let oldest = directory.file(JournalFixtures.segments(directory)[0])
        try FileManager.default.moveItem(atPath: oldest, toPath: oldest + ".moved")
        try FileManager.default.createDirectory(atPath: oldest, withIntermediateDirectories: false)
        expectMeterdError(\.isJournalRefusal) { try journal.applyRetention(now: Date().addingTimeInterval(7_200)) }
        #expect(journal.problem().map { "\($0)".contains("removing \(oldest)") } == true, "\(String(describing: journal.problem()))")
        try FileManager.default.removeItem(atPath: oldest)
        #expect(try journal.applyRetention(now: Date().addingTimeInterval(7_200)).count == 3)
        #expect(journal.problem() == nil)
    }

    @Test func aDamagedSegmentIsKeptButDoesNotBlockRetentionOfLaterOnes() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var options = JournalFixtures.fastOptions
        options.segmentBytes = 1_500
        options.retention = .seconds(60)
        do {
            let (journal, _) = try Journal.open(directory: directory.path, key: key, options: options)
            for index in 0..<30 { try journal.append(JournalFixtures.readingEntries(index..<(index + 1))) }
            try journal.close()
        }
        let names = JournalFixtures.segments(directory)
        let damaged = directory.file(names[1])
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: damaged)))
        bytes[SegmentHeader.size + 40] ^= 0x04
        try Data(bytes).write(to: URL(fileURLWithPath: damaged))
        let (journal, report) = try Journal.open(directory: directory.path, key: key, options: options)
        #expect(report.breaks.map(\.segment) == [names[1]])
        try journal.markAnchored(upTo: journal.segmentSummaries()[3].lastSequence!, transactionHash: [UInt8](repeating: 4, count: 32), block: 1)
        let removed = try journal.applyRetention(now: Date().addingTimeInterval(3_600))
        #expect(removed == [names[0], names[2], names[3]])
        #expect(JournalFixtures.segments(directory).contains(names[1]), "the damaged segment is kept")
        try journal.close()
        let verification = try JournalVerifier.verify(directory: directory.path, signer: key.address)
        #expect(verification.problems.map(\.segment) == [names[1]], "only the kept damage is reported")
    }

    @Test func diskBudgetRefusesNewRecordsLoudlyAndKeepsUnanchoredOnes() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var options = JournalFixtures.fastOptions
        options.segmentBytes = 1_500
        options.diskBudgetBytes = 6_000
        let (journal, _) = try Journal.open(directory: directory.path, key: key, options: options)
        var acknowledged: [UInt64] = []
        var refusal: MeterdError?
        for index in 0..<100 {
            do {
                acknowledged += try journal.append(JournalFixtures.readingEntries(index..<(index + 1)))
            } catch let error as MeterdError where error.isJournalRefusal {
                refusal = error
                break
            }
        }
        guard refusal?.code == .journal(.diskBudgetExceeded) else {
            Issue.record("expected the budget to be exceeded, got \(String(describing: refusal))")
            return
        }
        #expect(journal.problem() == refusal)
        #expect(refusal!.description.contains("not yet anchored"))
        let stored = try JournalReader(directory: directory.path).records(RecordFilter(kinds: [.reading]))
        #expect(stored.count == acknowledged.count)
        // Anchoring frees old segments and appends work again.
        try journal.markAnchored(upTo: acknowledged.last!, transactionHash: [UInt8](repeating: 2, count: 32), block: 10)
        try journal.append(JournalFixtures.readingEntries(500..<501))
        #expect(journal.problem() == nil)
    }
}

@Suite struct JournalReaderTests {
    @Test func aRecordBeingWrittenIsNotReportedAsDamageButVerifySeesIt() throws {
        let directory = TemporaryDirectory("reader")
        defer { directory.remove() }
        let (journal, _) = try Journal.open(directory: directory.path, key: JournalFixtures.key, options: JournalFixtures.fastOptions)
        try journal.append(JournalFixtures.readingEntries(0..<3))
        try journal.close()
        let segment = directory.file(JournalFixtures.segments(directory)[0])
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: segment))
        try handle.seekToEnd()
        try handle.write(contentsOf: [200, 0, 0, 0, 1, 2])
        try handle.close()
        var count = 0
        let problems = try JournalReader(directory: directory.path).forEach { _ in count += 1 }
        #expect(problems.isEmpty && count == 4)
        let verification = try JournalVerifier.verify(directory: directory.path, signer: JournalFixtures.key.address)
        #expect(verification.problems.map(\.kind) == [.incompleteFrame])
    }
}
