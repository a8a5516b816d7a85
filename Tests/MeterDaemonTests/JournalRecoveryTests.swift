import ChainClient
import Foundation
import Testing
@testable import MeterDaemon

@Suite struct JournalRecoveryTests {
    let key = JournalFixtures.key

    /// A closed journal of readings with a checkpoint after every commit; returns the segment's
    /// bytes and the offset of each record.
    private func makeJournal(_ directory: TemporaryDirectory, readings: Int = 6) throws -> (bytes: [UInt8], offsets: [(offset: Int, sequence: UInt64)]) {
        let (journal, _) = try Journal.open(directory: directory.path, key: key, options: JournalOptions(fsync: .groupCommit, checkpoints: .every(interval: .seconds(3600), records: 1_000)))
        for index in 0..<readings { try journal.append(JournalFixtures.readingEntries(index..<(index + 1))) }
        let segment = directory.file(JournalFixtures.segments(directory)[0])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: segment))
        var offsets: [(Int, UInt64)] = []
        _ = try SegmentScan.scan(name: "s", bytes: Array(bytes), options: SegmentScan.Options { record, offset in
            offsets.append((offset, record.sequence))
        })
        return (Array(bytes), offsets)
    }

    @Test func aTornLastRecordIsCutAtEveryByteOffsetAndTheCutIsJournaled() throws {
        let template = TemporaryDirectory("torn-template")
        defer { template.remove() }
        let (bytes, offsets) = try makeJournal(template)
        let name = JournalFixtures.segments(template)[0]
        let last = offsets.last!
        for cut in last.offset..<bytes.count {
            let directory = TemporaryDirectory("torn")
            defer { directory.remove() }
            try Data(bytes[0..<cut]).write(to: URL(fileURLWithPath: directory.file(name)))
            let (journal, report) = try Journal.open(directory: directory.path, key: key, options: JournalFixtures.fastOptions)
            if cut == last.offset {
                #expect(report.cuts.isEmpty, "a file ending on a record boundary is not torn")
            } else {
                #expect(report.cuts.count == 1 && report.breaks.isEmpty, "cut at \(cut)")
                #expect(report.cuts.first?.offset == UInt64(last.offset) && report.cuts.first?.bytesCut == UInt64(cut - last.offset))
                #expect(report.cuts.first?.lastSequenceKept == last.sequence - 1)
                let saved = try Data(contentsOf: URL(fileURLWithPath: directory.file(report.cuts.first!.savedAs)))
                #expect(Array(saved) == Array(bytes[last.offset..<cut]), "the cut bytes are kept aside")
            }
            // The chain continues right after the previous record, and the whole journal verifies.
            let sequences = try journal.append(JournalFixtures.readingEntries(100..<101))
            try journal.close()
            let records = try JournalReader(directory: directory.path).records()
            #expect(records.first { $0.sequence == last.sequence }?.kind != .reading || cut == bytes.count)
            #expect(records.map(\.sequence) == Array(1...sequences[0] + 1))
            if cut > last.offset { #expect(records.contains { $0.kind == .journalCut }) }
            let verification = try JournalVerifier.verify(directory: directory.path, signer: key.address)
            #expect(verification.isValid, "cut at \(cut): \(verification.problems)")
        }
    }

    @Test func bitFlipsAreReportedAtTheRecordThatHoldsThem() throws {
        let template = TemporaryDirectory("flip-template")
        defer { template.remove() }
        let (bytes, offsets) = try makeJournal(template, readings: 12)
        let name = JournalFixtures.segments(template)[0]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<150 {
            let position = Int.random(in: SegmentHeader.size..<bytes.count, using: &generator)
            var damaged = bytes
            damaged[position] ^= 1 << UInt8.random(in: 0..<8, using: &generator)
            let holder = offsets.last { $0.offset <= position }!
            let directory = TemporaryDirectory("flip")
            defer { directory.remove() }
            try Data(damaged).write(to: URL(fileURLWithPath: directory.file(name)))
            let report = try JournalVerifier.verify(directory: directory.path, signer: key.address)
            #expect(report.problems.first?.offset == holder.offset, "flip at \(position)")
            #expect(report.problems.first?.sequence == holder.sequence, "flip at \(position)")
            #expect(report.problems.first?.segment == name)
        }
    }

    @Test func damageInsideIsKeptJournaledAsABreakAndNotRepeated() throws {
        let directory = TemporaryDirectory("break")
        defer { directory.remove() }
        let (bytes, offsets) = try makeJournal(directory, readings: 12)
        let name = JournalFixtures.segments(directory)[0]
        var damaged = bytes
        let victim = offsets[4]
        damaged[victim.offset + 30] ^= 0x10
        try Data(damaged).write(to: URL(fileURLWithPath: directory.file(name)))

        let (journal, report) = try Journal.open(directory: directory.path, key: key, options: JournalFixtures.fastOptions)
        #expect(report.cuts.isEmpty)
        #expect(report.breaks.count == 1)
        #expect(report.breaks.first?.segment == name && report.breaks.first?.offset == UInt64(victim.offset))
        #expect(report.breaks.first?.lastGoodSequence == victim.sequence - 1)
        let segments = JournalFixtures.segments(directory)
        #expect(segments.count == 2, "a new segment was started")
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory.file(name))) == Data(damaged), "the damaged segment is untouched")
        let next = try journal.append(JournalFixtures.readingEntries(50..<51))
        #expect(next[0] > offsets.last!.sequence, "sequence numbers after the damage are never reused")
        try journal.close()

        let first = try JournalReader(directory: directory.path).records().first { $0.sequence > offsets.last!.sequence }
        #expect(first?.kind == .journalBreak, "the new segment's first record names the break")

        let (again, secondReport) = try Journal.open(directory: directory.path, key: key, options: JournalFixtures.fastOptions)
        #expect(secondReport.isClean, "the break is journaled once")
        try again.close()
        let verification = try JournalVerifier.verify(directory: directory.path, signer: key.address)
        #expect(verification.problems.count == 1, "verify reports the damage: \(verification.problems)")
        #expect(verification.problems.first?.offset == victim.offset && verification.problems.first?.sequence == victim.sequence)
    }

    @Test func aMissingMiddleSegmentIsABreakAndAVerifyProblem() throws {
        let directory = TemporaryDirectory("gap")
        defer { directory.remove() }
        let (segments, _) = try JournalFixtures.segmentedJournal(directory)
        try FileManager.default.removeItem(atPath: directory.file(segments[2]))
        let (reopened, report) = try Journal.open(directory: directory.path, key: key, options: JournalFixtures.segmentedOptions)
        try reopened.close()
        #expect(report.breaks.map(\.segment) == [segments[3]])
        let verification = try JournalVerifier.verify(directory: directory.path, signer: key.address)
        guard case .chainDiscontinuity = verification.problems.first?.kind else {
            Issue.record("expected a discontinuity, got \(verification.problems)")
            return
        }
        #expect(verification.problems.first?.segment == segments[3])
    }

    /// Two segments' contents exchanged on disk (files renamed into each other's names): the
    /// journal still opens, the damage is named by a break, and new records get new sequences.
    @Test(arguments: [(0, 1), (1, 2), (-2, -1), (0, -1)])
    func swappedSegmentsAreSetAsideAndTheJournalOpens(swap: (Int, Int)) throws {
        let directory = TemporaryDirectory("swapped")
        defer { directory.remove() }
        let options = JournalFixtures.segmentedOptions
        let (segments, highest) = try JournalFixtures.segmentedJournal(directory)
        try #require(segments.count > 3)
        let index = { (position: Int) in position < 0 ? segments.count + position : position }
        let (a, b) = (directory.file(segments[index(swap.0)]), directory.file(segments[index(swap.1)]))
        try FileManager.default.moveItem(atPath: a, toPath: a + ".tmp")
        try FileManager.default.moveItem(atPath: b, toPath: a)
        try FileManager.default.moveItem(atPath: a + ".tmp", toPath: b)

        let (reopened, report) = try Journal.open(directory: directory.path, key: key, options: options)
        #expect(!report.breaks.isEmpty, "the swap is named")
        var sequences: [UInt64] = []
        for index in 40..<70 { sequences += try reopened.append(JournalFixtures.readingEntries(index..<(index + 1))) }
        #expect(sequences[0] > highest, "no sequence number is reused")
        try reopened.close()
        // Opens again without finding anything new to report.
        let (again, second) = try Journal.open(directory: directory.path, key: key, options: options)
        try again.close()
        #expect(second.breaks.isEmpty && second.cuts.isEmpty)
    }

    @Test func acknowledgedButUncheckpointedRecordsAreSignedAtOpen() throws {
        let directory = TemporaryDirectory("unsigned")
        defer { directory.remove() }
        do {
            let (journal, _) = try Journal.open(directory: directory.path, key: key,
                                                options: JournalOptions(fsync: .groupCommit, checkpoints: .every(interval: .seconds(3600), records: 1_000)))
            try journal.append(JournalFixtures.readingEntries(0..<5))
            #expect(throws: MeterdError.journalLocked(directory: directory.path)) {
                try Journal.open(directory: directory.path, key: key)
            }
            // No close: as after a crash, the last five records are durable but no checkpoint covers them.
        }
        #expect(try JournalVerifier.verify(directory: directory.path, signer: key.address).unsignedTail == 5)
        let (reopened, report) = try Journal.open(directory: directory.path, key: key, options: JournalFixtures.fastOptions)
        #expect(report.uncheckpointedRecords == 5)
        let verification = try JournalVerifier.verify(directory: directory.path, signer: key.address)
        #expect(verification.isValid && verification.unsignedTail == 0)
        try reopened.close()
    }

    /// Two closed segments of readings, returning their names in order.
    private func twoSegments(_ directory: TemporaryDirectory) throws -> [String] {
        var options = JournalFixtures.fastOptions
        options.segmentBytes = 1_000
        let (journal, _) = try Journal.open(directory: directory.path, key: key, options: options)
        for index in 0..<8 { try journal.append(JournalFixtures.readingEntries(index..<(index + 1))) }
        try journal.close()
        let names = JournalFixtures.segments(directory)
        #expect(names.count >= 2)
        return names
    }

    @Test func aSegmentWhoseHeaderNeverReachedTheDiskIsSetAside() throws {
        let directory = TemporaryDirectory("torn-header")
        defer { directory.remove() }
        let names = try twoSegments(directory)
        let before = try JournalReader(directory: directory.path).records().last!.sequence
        // A crash while creating the next segment: only part of its header was written.
        let next = SegmentHeader.fileName(firstSequence: before + 1)
        let header = SegmentHeader(firstSequence: before + 1, startHash: [UInt8](repeating: 0, count: 32), created: Date()).encoded()
        try Data(header.prefix(30)).write(to: URL(fileURLWithPath: directory.file(next)))
        let (journal, report) = try Journal.open(directory: directory.path, key: key, options: JournalFixtures.fastOptions)
        #expect(report.cuts.map(\.segment) == [next] && report.breaks.isEmpty)
        #expect(FileManager.default.fileExists(atPath: directory.file(next + ".cut-0")))
        try journal.append(JournalFixtures.readingEntries(20..<21))
        try journal.close()
        #expect(JournalFixtures.segments(directory) == names)
        let verification = try JournalVerifier.verify(directory: directory.path, signer: key.address)
        #expect(verification.isValid, "\(verification.problems)")
    }

    @Test func aDamagedHeaderOnTheLastSegmentIsABreakAndTheChainGoesOn() throws {
        let directory = TemporaryDirectory("bad-header")
        defer { directory.remove() }
        let names = try twoSegments(directory)
        let last = directory.file(names.last!)
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: last)))
        let highest = try JournalReader(directory: directory.path).records().last!.sequence
        bytes[20] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: last))
        let (journal, report) = try Journal.open(directory: directory.path, key: key, options: JournalFixtures.fastOptions)
        #expect(report.breaks.map(\.segment) == [names.last!] && report.breaks.first?.offset == 0)
        let sequences = try journal.append(JournalFixtures.readingEntries(30..<31))
        #expect(sequences[0] > highest, "no sequence number is reused")
        try journal.close()
        let verification = try JournalVerifier.verify(directory: directory.path, signer: key.address)
        #expect(verification.problems.count == 1)
        #expect(verification.problems.first?.segment == names.last! && verification.problems.first?.offset == 0)
    }
}

@Suite struct JournalHostileInputTests {
    /// Garbage in any part of a segment is reported, never a crash, for the scanner, the verifier and open.
    @Test func garbageIsReportedNeverACrash() throws {
        var generator = SystemRandomNumberGenerator()
        let template = TemporaryDirectory("garbage-template")
        defer { template.remove() }
        do {
            let (journal, _) = try Journal.open(directory: template.path, key: JournalFixtures.key, options: JournalFixtures.fastOptions)
            try journal.append(JournalFixtures.readingEntries(0..<8))
            try journal.close()
        }
        let name = JournalFixtures.segments(template)[0]
        let original = Array(try Data(contentsOf: URL(fileURLWithPath: template.file(name))))
        for round in 0..<60 {
            var bytes = original
            let start = Int.random(in: 0..<bytes.count, using: &generator)
            let length = Int.random(in: 1...64, using: &generator)
            for index in start..<min(bytes.count, start + length) { bytes[index] = UInt8.random(in: 0...255, using: &generator) }
            if round % 3 == 0 { bytes += (0..<Int.random(in: 1...300, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) } }
            if bytes == original { continue }
            let directory = TemporaryDirectory("garbage")
            defer { directory.remove() }
            try Data(bytes).write(to: URL(fileURLWithPath: directory.file(name)))
            let report = try JournalVerifier.verify(directory: directory.path, signer: JournalFixtures.key.address)
            #expect(!report.isValid, "round \(round): damage from byte \(start) went unnoticed")
            let (journal, recovery) = try Journal.open(directory: directory.path, key: JournalFixtures.key, options: JournalFixtures.fastOptions)
            #expect(!recovery.isClean, "round \(round): recovery noticed nothing")
            try journal.append(JournalFixtures.readingEntries(50..<51))
            try journal.close()
        }
    }
}
