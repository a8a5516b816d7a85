@testable import ChainClient
import Drivers
import Foundation
import Logging
import Synchronization
import Testing
@testable import MeterDaemon

/// The guard in the daemon's data path: one notice line per change of state, the report on the status
/// line and in the metrics, the published file; and the agreement's profile from its cache.
@Suite struct SlotGuardDaemonTests {
    let clock = SlotClock(origin: JournalFixtures.base, length: 900)
    let interval = SlotInterval(minimumWattHours: 2000, maximumWattHours: 10_000)

    func reading(at seconds: Int, milliwattHours: Int64) -> Reading {
        var reading = JournalFixtures.reading(0)
        reading.time = clock.origin.addingTimeInterval(Double(seconds))
        reading.energy[.importActiveEnergy] = EnergyValue(milliwattHours: milliwattHours, resolutionMilliwattHours: 1)
        return reading
    }

    @Test func eachChangeOfStateIsLoggedOnceShownAndPublished() async throws {
        let directory = TemporaryDirectory("guard")
        defer { directory.remove() }
        let (journal, _) = try Journal.open(directory: directory.file("journal"), key: JournalFixtures.key, options: JournalFixtures.fastOptions)
        defer { try? journal.close() }
        let log = LogCapture()
        let status = StatusBoard(meterNames: ["sdm630"])
        let synchronised = Mutex(true)
        let monitor = SlotGuardMonitor(core: SlotGuard(intervals: .everySlot(interval), clock: clock, maximumPowerWatts: nil),
                                       stateDirectory: directory.path, refreshSeconds: 10)
        let pipeline = ReadingPipeline(journal: journal, status: status, settlementMeter: "sdm630", clockSource: .kernel,
                                       aggregator: SlotAggregator(clock: clock, maximumCatchUp: 96), cutoff: nil, logger: log.logger,
                                       isClockSynchronised: { synchronised.withLock { $0 } }, slotGuard: monitor)
        // 36 kW (10 Wh a second) from slot 0's start, then 72 kW from 300 s.
        var energy: Int64 = 5_000_000
        for second in stride(from: 0, through: 400, by: 10) {
            if second > 0 { energy += second > 300 ? 200_000 : 100_000 }
            try await pipeline.accept(reading(at: second, milliwattHours: energy))
        }
        let notices = log.all.filter { $0.hasPrefix("notice slot guard:") }
        #expect(notices.count == 3, "\(notices)")
        #expect(notices.first == "notice slot guard: slot 0 one-reading: one reading of the register in this series so far: the recent power needs two")
        #expect(notices.dropFirst().first?.hasPrefix("notice slot guard: slot 0 inside: draw between") == true)
        // At 400 s: 5000 Wh so far, 72 kW for the 500 s left gives 15 000 Wh; 5000 Wh more in 500 s is 36 kW.
        #expect(notices.last?.hasPrefix("notice slot guard: slot 0 heading-over: keep below") == true)

        let summary = await status.summary(now: clock.origin.addingTimeInterval(401))
        #expect(summary.contains("slot 0 heading-over: keep below 36.0 kW for 8 min 20 s"), "\(summary)")
        let metrics = await status.prometheusText(now: Date())
        #expect(metrics.hasSample("meterd_slot_guard_state{state=\"heading-over\"} 1"))
        #expect(metrics.hasSample("meterd_slot_guard_state{state=\"inside\"} 0"))
        #expect(metrics.hasSample("meterd_slot_guard_projection_watt_hours 15000"))
        #expect(metrics.hasSample("meterd_slot_guard_minimum_watt_hours 2000") && metrics.hasSample("meterd_slot_guard_maximum_watt_hours 10000"))
        #expect(metrics.hasSample("meterd_slot_guard_power_allowed_watts 36000"))

        let published = try #require(try SlotGuardPublication.read(from: SlotGuardPublication.path(stateDirectory: directory.path)))
        #expect(published.report == SlotGuardReport.projection(try #require(await status.slotGuardReport?.projection)))
        #expect(published.refreshSeconds == 10 && !published.isStale(now: published.published.addingTimeInterval(35)))
        #expect(published.isStale(now: published.published.addingTimeInterval(36)))

        // The clock lost: one more line, and the state says why there is no projection.
        synchronised.withLock { $0 = false }
        try await pipeline.accept(reading(at: 410, milliwattHours: energy + 200_000))
        try await pipeline.accept(reading(at: 420, milliwattHours: energy + 400_000))
        #expect(log.all.filter { $0.hasPrefix("notice slot guard:") }.last
                == "notice slot guard: clock-not-synchronised: the system clock is not synchronised: no slot is open, so none is projected")
        #expect(log.all.filter { $0.hasPrefix("notice slot guard:") }.count == 4)
        #expect(await status.prometheusText(now: Date()).hasSample("meterd_slot_guard_state{state=\"clock-not-synchronised\"} 1"))
        #expect(await status.summary(now: Date()).contains("slot guard: clock not synchronised"))
    }

    /// An output that records what it is asked to show, and fails while told to.
    final class RecordingOutput: LoadRequestOutput, @unchecked Sendable {
        private let state = Mutex<(applied: [LoadRequest], failing: Bool)>(([], false))
        var place: String { "test output" }
        var applied: [LoadRequest] { state.withLock { $0.applied } }
        func fail(_ failing: Bool) { state.withLock { $0.failing = failing } }
        struct Refused: Error {}
        func apply(_ request: LoadRequest) async throws {
            try state.withLock {
                $0.applied.append(request)
                if $0.failing { throw Refused() }
            }
        }
    }

    /// The output in the pipeline: written on change only (and again after a failed write, at the next
    /// reading), each change journaled and logged, the request on STATUS= and in the metrics.
    @Test func theOutputIsWrittenOnChangeRetriedAfterAFailureAndJournaled() async throws {
        let directory = TemporaryDirectory("guard-output")
        defer { directory.remove() }
        let (journal, _) = try Journal.open(directory: directory.file("journal"), key: JournalFixtures.key, options: JournalFixtures.fastOptions)
        defer { try? journal.close() }
        let log = LogCapture()
        let status = StatusBoard(meterNames: ["sdm630"])
        let output = RecordingOutput()
        let timing = LoadRequestTiming(minimumOnSeconds: 30, minimumOffSeconds: 30, releaseMarginPercent: 5)
        let monitor = SlotGuardMonitor(core: SlotGuard(intervals: .everySlot(interval), clock: clock, maximumPowerWatts: nil),
                                       stateDirectory: directory.path, refreshSeconds: 10,
                                       output: SlotGuardOutput(controller: LoadRequestController(timing: timing, canAdd: false), output: output))
        let pipeline = ReadingPipeline(journal: journal, status: status, settlementMeter: "sdm630", clockSource: .kernel,
                                       aggregator: SlotAggregator(clock: clock, maximumCatchUp: 96), cutoff: nil, logger: log.logger,
                                       isClockSynchronised: { true }, slotGuard: monitor)
        // 72 kW (20 Wh a second) from slot 0's start: heading over 10 000 Wh from the second reading.
        var energy: Int64 = 5_000_000
        try await pipeline.accept(reading(at: 0, milliwattHours: energy))
        #expect(output.applied == [.none], "the first report writes the output once: a coil a previous run left set is cleared")
        output.fail(true)
        for second in stride(from: 10, through: 30, by: 10) {
            energy += 200_000
            try await pipeline.accept(reading(at: second, milliwattHours: energy))
        }
        // Shed from 10 s; the write fails at 10, 20 and 30 s and is tried again at each reading.
        #expect(output.applied == [.none, .shed, .shed, .shed])
        #expect(log.all.filter { $0.hasPrefix("warning slot guard output: cannot write test output (shed)") }.count == 1, "said once: \(log.all)")
        #expect(await status.summary(now: clock.origin.addingTimeInterval(31)).contains("LOAD REQUEST: shed not written to the output"))
        #expect(await status.prometheusText(now: Date()).hasSample("meterd_slot_guard_output_written 0"))
        output.fail(false)
        energy += 200_000
        try await pipeline.accept(reading(at: 40, milliwattHours: energy))
        energy += 200_000
        try await pipeline.accept(reading(at: 50, milliwattHours: energy))
        #expect(output.applied == [.none, .shed, .shed, .shed, .shed], "written again at 40 s, and not at 50 s: no change")
        #expect(log.all.contains("notice slot guard output: test output is written again (shed)"))
        #expect(await status.summary(now: clock.origin.addingTimeInterval(51)).contains("shed load requested"))
        let metrics = await status.prometheusText(now: Date())
        #expect(metrics.hasSample("meterd_slot_guard_request{request=\"shed\"} 1") && metrics.hasSample("meterd_slot_guard_request{request=\"none\"} 0"))
        #expect(metrics.hasSample("meterd_slot_guard_output_written 1"))
        #expect(log.all.filter { $0.hasPrefix("notice slot guard output: shed load requested: slot 0 heading-over") }.count == 1, "\(log.all)")

        try await journal.waitUntilDurable(journal.head.sequence)
        let outputs = try JournalReader(directory: directory.file("journal")).records().compactMap { record -> GuardOutput? in
            if case .guardOutput(let output) = record.payload { return output } else { return nil }
        }
        #expect(outputs.count == 1, "one change, one record, whatever the writes did: \(outputs)")
        #expect(outputs.first?.request == .shed && outputs.first?.slot == 0 && outputs.first?.state == "heading-over")

        try await pipeline.stopGuardOutput()
        #expect(output.applied.last == LoadRequest.none, "cleared at stop")
    }

    /// With no time left and the minimum not reached, the power needed is unbounded: the file says so
    /// and reads back.
    @Test func anUnboundedPowerNeededSurvivesThePublishedFile() throws {
        let directory = TemporaryDirectory("guard")
        defer { directory.remove() }
        let projection = SlotProjection.project(slot: 3, clock: clock, at: clock.start(of: 4), energySoFarWattHours: 1000, recentPowerWatts: 0,
                                                interval: interval, maximumPowerWatts: nil)
        #expect(projection.powerNeededWatts == .infinity)
        let path = SlotGuardPublication.path(stateDirectory: directory.path)
        let publication = SlotGuardPublication(published: Date(timeIntervalSince1970: 1_790_000_123.25), refreshSeconds: 1, report: .projection(projection))
        try publication.write(to: path)
        #expect(try SlotGuardPublication.read(from: path) == publication)
        #expect(try SlotGuardPublication.read(from: directory.file("none.json")) == nil)
    }

    func chain(_ directory: TemporaryDirectory, agreement: Int = 1) throws -> ChainConfiguration {
        let text = """
            [meters.main]
            kind = "simulated"
            [chain]
            rpc_urls = ["http://127.0.0.1:9"]
            chain_id = 31337
            contract = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
            agreement_id = \(agreement)
            connect_timeout_ms = 100
            state_dir = "\(directory.path)"
            """
        return try #require(try ConfigurationLoader.parse(try TOMLSource(path: "meterd.toml", text: text)).chain)
    }

    /// No node answers: the profile comes from the cache of this agreement, and from no other.
    @Test func withoutANodeTheProfileComesFromItsCache() async throws {
        let directory = TemporaryDirectory("profile")
        defer { directory.remove() }
        let configuration = try chain(directory)
        let log = LogCapture()
        #expect(await AgreementProfile.load(chain: configuration, rpc: configuration.makeRPCClient(), logger: log.logger, attempts: 1) == nil)
        #expect(log.all.last?.contains("none is cached") == true, "\(log.all)")

        let slots = [ProfileSlot(minimumWattHours: 100, maximumWattHours: 900), ProfileSlot(minimumWattHours: 0, maximumWattHours: 4000)]
        AgreementProfile.cache(configuration).save(slots, logger: log.logger, consequence: "")
        let loaded = await AgreementProfile.load(chain: configuration, rpc: configuration.makeRPCClient(), logger: log.logger, attempts: 1)
        #expect(loaded == [SlotInterval(minimumWattHours: 100, maximumWattHours: 900), SlotInterval(minimumWattHours: 0, maximumWattHours: 4000)])

        let other = try chain(directory, agreement: 2)
        #expect(await AgreementProfile.load(chain: other, rpc: other.makeRPCClient(), logger: log.logger, attempts: 1) == nil)
        #expect(log.all.last?.contains("is agreement 1 at") == true, "\(log.all)")
    }

    /// The terms as the profile: a cache of this agreement only, and a damaged one said with why.
    @Test func theTermsCacheIsThisAgreementsAndADamagedOneIsNamed() async throws {
        let directory = TemporaryDirectory("terms")
        defer { directory.remove() }
        let configuration = try chain(directory)
        let log = LogCapture()
        let cache = AgreementCache<AgreementTerms>(configuration, fileName: "agreement.json")
        let terms = AgreementTerms(periodStart: 1_790_000_000, slotSeconds: 900, slotsPerPeriod: 96)
        cache.save(terms, logger: log.logger, consequence: "")
        let device = PrivateKey.generate().address
        #expect(try await AgreementTerms.load(chain: configuration, rpc: configuration.makeRPCClient(), device: device, logger: log.logger, attempts: 1) == terms)
        let other = try chain(directory, agreement: 2)
        let refusal = await #expect(throws: MeterdError.self) {
            try await AgreementTerms.load(chain: other, rpc: other.makeRPCClient(), device: device, logger: log.logger, attempts: 1)
        }
        #expect(refusal?.isStartFailure == true)
        try Data("{".utf8).write(to: URL(fileURLWithPath: cache.path))
        do {
            _ = try await AgreementTerms.load(chain: configuration, rpc: configuration.makeRPCClient(), device: device, logger: log.logger, attempts: 1)
            Issue.record("a damaged cache was used")
        } catch {
            #expect("\(error)".contains("the cached copy \(cache.path) is unreadable"), "\(error)")
        }
    }

    /// A node that fails is tried again; an answer that stops the start is not.
    @Test func readsAreRetriedUnlessTheAnswerStopsTheStart() async throws {
        struct NodeDown: Error {}
        var calls = 0
        await #expect(throws: NodeDown.self) {
            _ = try await AgreementCache<Int>.retrying(attempts: 2) { () async throws -> Int in
                calls += 1
                throw NodeDown()
            }
        }
        #expect(calls == 2)
        calls = 0
        let stop = MeterdError.start(.noAgreement, "no such agreement")
        await #expect(throws: stop) {
            _ = try await AgreementCache<Int>.retrying(attempts: 3) { () async throws -> Int in
                calls += 1
                throw stop
            }
        }
        #expect(calls == 1)
    }
}
