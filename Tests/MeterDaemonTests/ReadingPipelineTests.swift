import Cutoff
@testable import Drivers
import Foundation
import Logging
import Synchronization
import Testing
@testable import MeterDaemon

/// The order of the data path: the limiter before the disk; a change of the clock's state journaled
/// in the same write as the reading that saw it, before it; the reading before the slots it closes;
/// and what a full disk refused written once there is room.
@Suite struct ReadingPipelineTests {
    let clock = SlotClock(origin: JournalFixtures.base, length: 60)

    /// 1 Wh a second from the slot clock's origin; `watts` for the limiter.
    func reading(at seconds: Int, watts: Double = 3600) -> Reading {
        var reading = JournalFixtures.reading(0)
        reading.time = clock.origin.addingTimeInterval(Double(seconds))
        reading.values[.activePowerTotal] = watts
        reading.energy[.importActiveEnergy] = EnergyValue(milliwattHours: 1_000_000_000 + Int64(seconds) * 1000, resolutionMilliwattHours: 1)
        return reading
    }

    func kinds(in directory: String) throws -> [RecordKind] {
        try JournalReader(directory: directory).records().map(\.kind).filter { $0 != .daemonStart && $0 != .checkpoint }
    }

    @Test func anEmergencyTripDoesNotWaitForAFullDisk() async throws {
        let disk = try SmallFilesystem()
        defer { disk.unmount() }
        let journal = try disk.openJournal()
        defer { try? journal.close() }
        let log = LogCapture()
        let provider = SimulatedLineProvider()
        let relay = RelayConfiguration(line: GPIOLineAddress(chip: "gpiochip0", line: .offset(17)), wiring: RelayWiring(energised: .cuts),
                                       remoteReconnection: .automatic, feedback: nil, button: nil, effectiveness: nil,
                                       effectivenessMeter: nil, requestDirectory: disk.mountPoint.file("requests"))
        let limiter = LimiterConfiguration(meter: "sdm630", settings: LimiterSettings(powerThreshold: 50_000, emergencyPowerThreshold: 90_000))
        let startup = try RelayStartup.start(relay, limiter: limiter, journal: journal, contract: nil, provider: provider)
        let status = StatusBoard(meterNames: ["sdm630"])
        let service = CutoffService(startup: startup, relay: relay, status: status, logger: log.logger, retrySeconds: 0)
        let pipeline = ReadingPipeline(journal: journal, status: status, settlementMeter: nil, clockSource: .trusted, aggregator: nil,
                                       cutoff: service, logger: log.logger)
        try await pipeline.accept(reading(at: 0, watts: 20_000))
        #expect(provider.lines[0].values == [false], "energising cuts: the line starts inactive, the supply connected")

        let (_, refusal) = try disk.fill(journal)
        try #require(refusal != nil, "the journal never filled the filesystem")
        await expectMeterdError(\.isJournalRefusal) { try await pipeline.accept(reading(at: 1, watts: 95_000)) }
        #expect(provider.lines[0].values == [false, true], "the trip cut the supply although the journal refused the reading")
        #expect(!service.controller.state.supplyConnected)
        #expect(log.all.contains { $0.hasPrefix("warning relay connected -> disconnected") }, "\(log.all)")
    }

    @Test func aClockChangeIsJournaledBeforeTheReadingThatSawItAndTheSlotsAfter() async throws {
        let directory = TemporaryDirectory("pipeline-order")
        defer { directory.remove() }
        let (journal, _) = try Journal.open(directory: directory.file("journal"), key: JournalFixtures.key, options: JournalFixtures.fastOptions)
        let log = LogCapture()
        let synchronised = Mutex(false)
        let status = StatusBoard(meterNames: ["sdm630"])
        let pipeline = ReadingPipeline(journal: journal, status: status, settlementMeter: "sdm630", clockSource: .kernel,
                                       aggregator: SlotAggregator(clock: clock, maximumCatchUp: 96), cutoff: nil, logger: log.logger,
                                       isClockSynchronised: { synchronised.withLock { $0 } })
        try await pipeline.accept(reading(at: 30))
        try await pipeline.accept(reading(at: 45))
        synchronised.withLock { $0 = true }
        try await pipeline.accept(reading(at: 50))
        try await pipeline.accept(reading(at: 90))
        try journal.close()

        #expect(try kinds(in: directory.file("journal")) == [.clockSync, .reading, .reading, .clockSync, .reading, .reading, .slotClosed])
        let records = try JournalReader(directory: directory.file("journal")).records()
        let flags = records.compactMap { record -> Bool? in
            if case .clockSync(let sync) = record.payload { sync.synchronised } else { nil }
        }
        #expect(flags == [false, true])
        #expect(log.all.filter { $0.contains("system clock") } == [
            "warning system clock not synchronised: readings are journaled, no slot opens or closes until it is",
            "notice system clock synchronised: slots open and close",
        ])
        #expect(await status.summary(now: clock.origin.addingTimeInterval(91)).contains("slot 0 closed"), "status follows the journaled state")
    }

    /// A change of the clock's state that a full disk refused is not lost: its record goes with the
    /// first reading the journal takes again.
    @Test func aClockChangeRefusedByAFullDiskIsWrittenOnceThereIsRoom() async throws {
        let disk = try SmallFilesystem()
        defer { disk.unmount() }
        let journal = try disk.openJournal()
        defer { try? journal.close() }
        let log = LogCapture()
        let synchronised = Mutex(true)
        let pipeline = ReadingPipeline(journal: journal, status: StatusBoard(meterNames: ["sdm630"]), settlementMeter: nil,
                                       clockSource: .kernel, aggregator: nil, cutoff: nil, logger: log.logger,
                                       isClockSynchronised: { synchronised.withLock { $0 } })
        try await pipeline.accept(reading(at: 0))
        let (_, refusal) = try disk.fill(journal)
        try #require(refusal != nil, "the journal never filled the filesystem")
        synchronised.withLock { $0 = false }
        await expectMeterdError(\.isJournalRefusal) { try await pipeline.accept(reading(at: 1)) }
        await expectMeterdError(\.isJournalRefusal) { try await pipeline.accept(reading(at: 2)) }
        #expect(!log.all.contains { $0.contains("system clock not synchronised") }, "said only once its record is written")
        let refusedFrom = journal.head.sequence

        try disk.freeSpace()
        try await pipeline.accept(reading(at: 3))
        try journal.close()
        let after = try JournalReader(directory: disk.journalDirectory).records().filter { $0.sequence > refusedFrom }
        #expect(after.map(\.kind).filter { $0 != .checkpoint } == [.clockSync, .reading])
        #expect(after.filter { $0.kind != .checkpoint }.map(\.clockSynchronised) == [false, false])
        #expect(log.all.filter { $0.contains("system clock not synchronised") }.count == 1)
        #expect(log.all.filter { $0.hasPrefix("error journal refuses records") }.count == 1, "once per episode: \(log.all)")
        #expect(log.all.contains("notice journal writes again"))
    }
}
