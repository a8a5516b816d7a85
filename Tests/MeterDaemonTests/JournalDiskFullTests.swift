import Foundation
import Testing
@testable import MeterDaemon

/// Fills a small tmpfs (the tests run as root, as CI does) until the journal's writes fail.
@Suite struct JournalDiskFullTests {
    private func run(_ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test func aFullDiskIsAClearErrorAndNothingAcknowledgedIsDamaged() throws {
        let mountPoint = TemporaryDirectory("tmpfs")
        defer { mountPoint.remove() }
        let status = try run(["mount", "-t", "tmpfs", "-o", "size=192k", "tmpfs", mountPoint.path])
        try #require(status == 0, "this test mounts a 192 KiB tmpfs and needs root (as CI has)")
        defer { _ = try? run(["umount", mountPoint.path]) }
        let directory = mountPoint.file("journal")
        // Something else on the same filesystem, removed later to free space.
        let filler = mountPoint.file("filler")
        try Data(count: 48 << 10).write(to: URL(fileURLWithPath: filler))
        var options = JournalFixtures.fastOptions
        options.segmentBytes = 64 << 10

        var acknowledged: [UInt64] = []
        var failure: JournalError?
        do {
            let (journal, _) = try Journal.open(directory: directory, key: JournalFixtures.key, options: options)
            for index in 0..<5_000 {
                do {
                    acknowledged += try journal.append(JournalFixtures.readingEntries(index..<(index + 3)))
                } catch let error as JournalError {
                    failure = error
                    break
                }
            }
            // Still refused (not crashed, not half-written) while the disk stays full, and said in status.
            #expect(throws: JournalError.self) { try journal.append(JournalFixtures.readingEntries(0..<50)) }
            #expect(journal.problem() != nil)
        }
        guard case .io(_, let path, let code) = failure else {
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
        try FileManager.default.removeItem(atPath: filler)
        let (reopened, report) = try Journal.open(directory: directory, key: JournalFixtures.key, options: options)
        try reopened.append(JournalFixtures.readingEntries(9_000..<9_001))
        try reopened.close()
        #expect(report.isClean)
        let after = try JournalVerifier.verify(directory: directory, signer: JournalFixtures.key.address)
        #expect(after.isValid && after.records > acknowledged.count)
    }
}
