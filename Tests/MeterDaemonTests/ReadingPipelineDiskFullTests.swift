import Drivers
import Foundation
import Logging
import Testing
@testable import MeterDaemon

/// Readings arriving while the journal refuses writes (a full tmpfs): the status line and
/// `meterd_journal_healthy` say so at once, with the room needed, and recover when space returns.
@Suite struct ReadingPipelineDiskFullTests {
    @Test func aFullDiskTurnsTheJournalUnhealthyAndSaysHowMuchRoomIsNeeded() async throws {
        let disk = try SmallFilesystem()
        defer { disk.unmount() }
        let journal = try disk.openJournal()
        defer { try? journal.close() }
        let status = StatusBoard(meterNames: ["sdm630"])
        let pipeline = ReadingPipeline(journal: journal, status: status, settlementMeter: nil, clockSource: .trusted, aggregator: nil,
                                       cutoff: nil, slotSink: nil, logger: Logger(label: "test"))
        try await pipeline.accept(JournalFixtures.reading(0))
        #expect(await status.prometheusText(now: Date()).hasSample("meterd_journal_healthy 1"))

        let (_, refusal) = try disk.fill(journal)
        try #require(refusal != nil, "the journal never filled the filesystem")
        await #expect(throws: JournalError.self) { try await pipeline.accept(JournalFixtures.reading(1)) }
        #expect(await status.prometheusText(now: Date()).hasSample("meterd_journal_healthy 0"))
        let summary = await status.summary(now: Date())
        #expect(summary.contains("JOURNAL: writing"), "\(summary)")
        #expect(summary.contains("The filesystem is full"), "\(summary)")
        #expect(summary.contains("free at least"), "\(summary)")

        try disk.freeSpace()
        try await pipeline.accept(JournalFixtures.reading(2))
        #expect(await status.prometheusText(now: Date()).hasSample("meterd_journal_healthy 1"))
        #expect(await !status.summary(now: Date()).contains("JOURNAL"))
    }
}
