import Foundation
import Testing
@testable import MeterDaemon

/// Fills a small tmpfs until the journal's writes fail.
@Suite struct JournalDiskFullTests {
    @Test func aFullDiskIsAClearErrorAndNothingAcknowledgedIsDamaged() throws {
        let disk = try SmallFilesystem()
        defer { disk.unmount() }
        let directory = disk.journalDirectory
        let options = SmallFilesystem.journalOptions

        let acknowledged: [UInt64]
        let failure: MeterdError?
        do {
            let journal = try disk.openJournal()
            (acknowledged, failure) = try disk.fill(journal)
            // Still refused (not crashed, not half-written) while the disk stays full, and said in status.
            expectMeterdError(\.isJournalRefusal) { try journal.append(JournalFixtures.readingEntries(0..<50)) }
            #expect(journal.problem() != nil)
        }
        guard case .journal(.io(let path, let code))? = failure?.code else {
            Issue.record("expected an I/O error, got \(String(describing: failure))")
            return
        }
        #expect(code == ENOSPC)
        #expect(path.hasPrefix(directory))
        #expect(failure!.description.contains("filesystem is full"))
        #expect(acknowledged.count > 100)

        // Everything acknowledged is there and intact, before and after space is freed and the journal reopened.
        var present = Set<UInt64>()
        let before = try JournalVerifier.verify(directory: directory, signer: JournalFixtures.key.address,
                                                record: { present.insert($0.sequence) })
        #expect(before.isValid, "\(before.problems)")
        #expect(acknowledged.allSatisfy(present.contains))
        try disk.freeSpace()
        let (reopened, report) = try Journal.open(directory: directory, key: JournalFixtures.key, options: options)
        try reopened.append(JournalFixtures.readingEntries(9_000..<9_001))
        try reopened.close()
        #expect(report.isClean)
        let after = try JournalVerifier.verify(directory: directory, signer: JournalFixtures.key.address)
        #expect(after.isValid && after.records > acknowledged.count)
    }
}
