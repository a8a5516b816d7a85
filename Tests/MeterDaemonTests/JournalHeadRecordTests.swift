import ChainClient
import Foundation
import Testing
@testable import MeterDaemon

/// Segments deleted at either end are found against the signed head record kept beside them, by
/// `journal verify` and at open (which journals a break and never reuses a sequence number).
@Suite struct JournalHeadRecordTests {
    let key = JournalFixtures.key

    static var options: JournalOptions { JournalFixtures.segmentedOptions }

    private func journal(_ directory: TemporaryDirectory) throws -> (segments: [String], highest: UInt64) {
        let journal = try JournalFixtures.segmentedJournal(directory)
        try #require(journal.segments.count > 3)
        return journal
    }

    @Test func deletingTheNewestSegmentIsARollbackNamedWithWhatIsMissing() throws {
        let directory = TemporaryDirectory("rollback")
        defer { directory.remove() }
        let (segments, highest) = try journal(directory)
        try FileManager.default.removeItem(atPath: directory.file(segments.last!))
        let kept = try JournalReader(directory: directory.path).records().last!.sequence
        let missing = (kept + 1)...highest

        let verification = try JournalVerifier.verify(directory: directory.path, signer: key.address)
        #expect(verification.problems.map(\.kind).contains(.headRecord(.rolledBack(missing: missing, source: "the head record"))), "\(verification.problems)")

        let (reopened, report) = try Journal.open(directory: directory.path, key: key, options: Self.options)
        #expect(report.headFindings == [.rolledBack(missing: missing, source: "the head record")])
        #expect(!report.isClean)
        let sequences = try reopened.append(JournalFixtures.readingEntries(50..<51))
        #expect(sequences[0] > highest, "no sequence number is used twice")
        try reopened.close()
        let breaks = try JournalReader(directory: directory.path).records().compactMap { record -> JournalBreak? in
            if case .journalBreak(let damage) = record.payload { damage } else { nil }
        }
        #expect(breaks.contains { $0.detail.contains("rolled back: records \(missing.lowerBound) to \(missing.upperBound) are missing") })
        // Reported once: the next open finds nothing new.
        let (again, second) = try Journal.open(directory: directory.path, key: key, options: Self.options)
        try again.close()
        #expect(second.headFindings.isEmpty && second.breaks.isEmpty)
    }

    @Test func deletingTheOldestSegmentIsATruncationAtTheFront() throws {
        let directory = TemporaryDirectory("front")
        defer { directory.remove() }
        let (segments, _) = try journal(directory)
        try FileManager.default.removeItem(atPath: directory.file(segments[0]))
        let oldest = try #require(SegmentHeader.firstSequence(ofFileName: segments[1]))

        let verification = try JournalVerifier.verify(directory: directory.path, signer: key.address)
        #expect(verification.problems.map(\.kind) == [.headRecord(.truncatedAtFront(missing: 1...(oldest - 1)))], "\(verification.problems)")

        let (reopened, report) = try Journal.open(directory: directory.path, key: key, options: Self.options)
        try reopened.close()
        #expect(report.headFindings == [.truncatedAtFront(missing: 1...(oldest - 1))])
        let (again, second) = try Journal.open(directory: directory.path, key: key, options: Self.options)
        try again.close()
        #expect(second.headFindings.isEmpty)
    }

    @Test func segmentsRemovedByRetentionAreNotATruncation() throws {
        let directory = TemporaryDirectory("retention")
        defer { directory.remove() }
        let (segments, highest) = try journal(directory)
        var options = Self.options
        options.retention = .seconds(1)
        let (journal, _) = try Journal.open(directory: directory.path, key: key, options: options)
        try journal.markAnchored(upTo: highest, transactionHash: [UInt8](repeating: 7, count: 32), block: 9)
        let removed = try journal.applyRetention(now: Date().addingTimeInterval(86_400 * 365 * 20))
        try journal.close()
        #expect(!removed.isEmpty && removed.first == segments[0])
        let verification = try JournalVerifier.verify(directory: directory.path, signer: key.address)
        #expect(verification.isValid && verification.headFindings.isEmpty, "\(verification.problems)")
    }

    @Test func aJournalWithoutAHeadRecordIsANoteNotDamage() throws {
        let directory = TemporaryDirectory("no-head")
        defer { directory.remove() }
        _ = try journal(directory)
        try FileManager.default.removeItem(atPath: directory.file(JournalHeadRecord.fileName))
        let verification = try JournalVerifier.verify(directory: directory.path, signer: key.address)
        #expect(verification.isValid && verification.headFindings == [.noHeadRecord])
        let (reopened, report) = try Journal.open(directory: directory.path, key: key, options: Self.options)
        try reopened.append(JournalFixtures.readingEntries(60..<61))
        try reopened.close()
        #expect(report.isClean && report.headFindings == [.noHeadRecord])
        #expect(try JournalVerifier.verify(directory: directory.path, signer: key.address).headFindings.isEmpty)
    }
}
