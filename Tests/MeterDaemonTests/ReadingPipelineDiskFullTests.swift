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
                                       cutoff: nil, logger: Logger(label: "test"))
        try await pipeline.accept(JournalFixtures.reading(0))
        #expect(await status.prometheusText(now: Date()).hasSample("meterd_journal_healthy 1"))

        let (_, refusal) = try disk.fill(journal)
        try #require(refusal != nil, "the journal never filled the filesystem")
        await expectMeterdError(\.isJournalRefusal) { try await pipeline.accept(JournalFixtures.reading(1)) }
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

    /// Slots that close while the journal refuses their records are not lost as unmeasured: they close
    /// from the register with the first reading the journal takes once there is room.
    @Test func slotsThatCloseOnAFullDiskAreMeasuredOnceThereIsRoom() async throws {
        let disk = try SmallFilesystem()
        defer { disk.unmount() }
        let journal = try disk.openJournal()
        defer { try? journal.close() }
        let clock = SlotClock(origin: JournalFixtures.base, length: 60)
        let pipeline = ReadingPipeline(journal: journal, status: StatusBoard(meterNames: ["sdm630"]), settlementMeter: "sdm630",
                                       clockSource: .trusted, aggregator: SlotAggregator(clock: clock, maximumCatchUp: 96),
                                       cutoff: nil, logger: Logger(label: "test"))
        // 1 Wh a second: 60 Wh a slot.
        func reading(at seconds: Int) -> Reading {
            var reading = JournalFixtures.reading(0)
            reading.time = clock.origin.addingTimeInterval(Double(seconds))
            reading.energy[.importActiveEnergy] = EnergyValue(milliwattHours: 1_000_000_000 + Int64(seconds) * 1000, resolutionMilliwattHours: 1)
            return reading
        }
        try await pipeline.accept(reading(at: 30))
        try await pipeline.accept(reading(at: 90))
        let (_, refusal) = try disk.fill(journal)
        try #require(refusal != nil, "the journal never filled the filesystem")
        for seconds in stride(from: 150, through: 330, by: 60) {
            await expectMeterdError(\.isJournalRefusal) { try await pipeline.accept(reading(at: seconds)) }
        }
        try disk.freeSpace()
        try await pipeline.accept(reading(at: 390))
        try journal.close()
        let slots = try JournalReader(directory: disk.journalDirectory).records().compactMap { record -> SlotClosed? in
            if case .slotClosed(let slot) = record.payload { slot } else { nil }
        }
        #expect(slots.map(\.slotIndex) == Array(0...5))
        #expect(slots.map(\.consumptionWattHours) == [nil, 60, 60, 60, 60, 60], "slots 2 to 5 closed during the full stretch")
    }
}
