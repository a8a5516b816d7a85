import Foundation
import Testing
@testable import MeterDaemon

/// A small tmpfs (the tests run as root, as CI does) holding a journal and a filler file: the
/// journal fills it until its writes fail with ENOSPC, and removing the filler gives room again.
struct SmallFilesystem {
    let mountPoint = TemporaryDirectory("tmpfs")
    var journalDirectory: String { mountPoint.file("journal") }
    private var filler: String { mountPoint.file("filler") }

    init(kilobytes: Int = 192, fillerKilobytes: Int = 48) throws {
        let status = try Self.run(["mount", "-t", "tmpfs", "-o", "size=\(kilobytes)k", "tmpfs", mountPoint.path])
        try #require(status == 0, "this test mounts a \(kilobytes) KiB tmpfs and needs root (as CI has)")
        try Data(count: fillerKilobytes << 10).write(to: URL(fileURLWithPath: filler))
    }

    /// Segments of 64 KiB, so the journal fills the filesystem in its first few.
    static var journalOptions: JournalOptions {
        var options = JournalFixtures.fastOptions
        options.segmentBytes = 64 << 10
        return options
    }

    func openJournal() throws -> Journal {
        try Journal.open(directory: journalDirectory, key: JournalFixtures.key, options: Self.journalOptions).0
    }

    /// Appends readings, one record at a time, until the journal refuses them three times running (a
    /// commit that did get through may free a page of the head record); returns the acknowledged
    /// sequence numbers and the first refusal.
    func fill(_ journal: Journal) throws -> (acknowledged: [UInt64], refusal: MeterdError?) {
        var acknowledged: [UInt64] = []
        var refusal: MeterdError?
        var refusedRunning = 0
        for index in 0..<5_000 where refusedRunning < 3 {
            do {
                acknowledged += try journal.append(JournalFixtures.readingEntries(index..<(index + 1)))
                refusedRunning = 0
            } catch let error as MeterdError where error.isJournalRefusal {
                refusal = refusal ?? error
                refusedRunning += 1
            }
        }
        return (acknowledged, refusal)
    }

    /// Removes the filler: the journal has room again.
    func freeSpace() throws { try FileManager.default.removeItem(atPath: filler) }

    func unmount() {
        _ = try? Self.run(["umount", mountPoint.path])
        mountPoint.remove()
    }

    private static func run(_ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
