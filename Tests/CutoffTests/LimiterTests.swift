@testable import Cutoff
import Drivers
import Testing

@Suite struct LimiterTests {
    static let settings = LimiterSettings(powerThreshold: 50_000, currentThreshold: 80, emergencyPowerThreshold: 90_000,
                                          emergencyCurrentThreshold: 160, minOverThresholdSeconds: 30, hysteresis: 0.1,
                                          reconnection: .automatic(afterSecondsUnder: 60))

    /// Feeds a load curve (seconds, watts) and returns the events with the second they came at.
    func run(_ curve: [(Double, Double)], settings: LimiterSettings = LimiterTests.settings) -> [(Double, LimiterEvent)] {
        var limiter = Limiter(settings: settings)
        return curve.compactMap { second, watts in
            limiter.evaluate(Fixtures.reading(at: second, power: watts)).map { (second, $0) }
        }
    }

    @Test func overForLessThanTheMinimumTimeDoesNotTrip() {
        let curve = stride(from: 0.0, through: 120, by: 5).map { ($0, $0 >= 10 && $0 < 35 ? 60_000.0 : 30_000) }
        #expect(run(curve).isEmpty)
    }

    @Test func overForTheMinimumTimeTrips() {
        let curve = stride(from: 0.0, through: 60, by: 5).map { ($0, $0 >= 10 ? 60_000.0 : 30_000) }
        let events = run(curve)
        #expect(events.count == 1)
        #expect(events.first?.0 == 40)
        guard case .trip(let trip)? = events.first?.1 else { Issue.record("no trip"); return }
        #expect(!trip.emergency && trip.overSeconds == 30 && trip.monitored == "total active power")
    }

    @Test func theEmergencyThresholdTripsOnTheFirstReading() {
        let events = run([(0, 30_000), (1, 95_000)])
        #expect(events.count == 1 && events.first?.0 == 1)
        guard case .trip(let trip)? = events.first?.1 else { Issue.record("no trip"); return }
        #expect(trip.emergency && trip.threshold == 90_000)
    }

    @Test func aPhaseCurrentTripsOnItsOwn() {
        var limiter = Limiter(settings: LimiterTests.settings)
        #expect(limiter.evaluate(Fixtures.reading(at: 0, power: 20_000, currents: [30, 170, 30])) != nil)
        var second = Limiter(settings: LimiterTests.settings)
        #expect(second.evaluate(Fixtures.reading(at: 0, power: 20_000, currents: [30, 85, 30])) == nil)
        guard case .trip(let trip)? = second.evaluate(Fixtures.reading(at: 30, power: 20_000, currents: [30, 85, 30])) else {
            Issue.record("no trip"); return
        }
        #expect(trip.monitored == "current L2" && trip.unit == "A")
    }

    @Test func hysteresisKeepsTheOverRunThroughADipAboveTheLowerEdge() {
        // 46 kW is under the threshold but above 50 kW × 0.9: the run goes on and trips at 30 s.
        let withDip = run([(0, 60_000), (10, 46_000), (20, 60_000), (30, 60_000)])
        #expect(withDip.map(\.0) == [30])
        // A drop below 45 kW ends the run; the over time starts again.
        let withDrop = run([(0, 60_000), (10, 40_000), (20, 60_000), (30, 60_000), (50, 60_000)])
        #expect(withDrop.map(\.0) == [50])
    }

    @Test func automaticReconnectionAfterTheTimeUnderThreshold() {
        let curve: [(Double, Double)] = [(0, 95_000), (10, 0), (40, 0), (50, 47_000), (60, 0), (100, 0), (120, 0)]
        let events = run(curve)
        // Trip at 0; under from 10 on, but 47 kW at 50 s is not under 45 kW: the under time restarts at 60.
        #expect(events.map(\.0) == [0, 120])
        guard case .cleared(let clear) = events.last?.1 else { Issue.record("no clear"); return }
        #expect(clear.underSeconds == 60)
    }

    @Test func manualReconnectionNeverClearsByItself() {
        var settings = LimiterTests.settings
        settings.reconnection = .manual
        let events = run([(0, 95_000), (10, 0), (1000, 0), (5000, 0)], settings: settings)
        #expect(events.count == 1)
    }

    @Test func aReadingWithoutTheMonitoredQuantitiesChangesNothing() {
        var limiter = Limiter(settings: LimiterTests.settings)
        _ = limiter.evaluate(Fixtures.reading(at: 0, power: 60_000))
        #expect(limiter.evaluate(Fixtures.reading(at: 40)) == nil)
        #expect(limiter.overSince == Fixtures.start)
    }

    @Test func theControllerTripsAndReconnectsFromReadings() throws {
        let (controller, line, journal) = try Fixtures.controller(limiter: LimiterTests.settings)
        let curve: [(Double, Double)] = [(0, 30_000), (1, 95_000), (2, 0), (62, 0)]
        for (second, watts) in curve { try controller.handle(reading: Fixtures.reading(at: second, power: watts)) }
        #expect(line.values == [false, true, false])
        #expect(journal.records.map(\.to) == [.disconnected, .connected])
        #expect(journal.records.first?.cause.hasPrefix("local disconnect: limiter emergency trip") == true)
    }

    /// A reload's new thresholds: the timers start again against them; a trip in force stays.
    @Test func newThresholdsRestartTheTimersAndKeepATrip() throws {
        var limiter = Limiter(settings: LimiterTests.settings)
        #expect(limiter.evaluate(Fixtures.reading(at: 0, power: 60_000)) == nil)
        var raised = LimiterTests.settings
        raised.powerThreshold = 70_000
        limiter.update(settings: raised)
        #expect(limiter.overSince == nil)
        for second in stride(from: 5.0, through: 60, by: 5) { #expect(limiter.evaluate(Fixtures.reading(at: second, power: 60_000)) == nil) }

        let (controller, line, _) = try Fixtures.controller(limiter: LimiterTests.settings)
        try controller.handle(reading: Fixtures.reading(at: 0, power: 95_000))
        #expect(line.values == [false, true])
        controller.updateLimiter(raised)
        try controller.handle(reading: Fixtures.reading(at: 1, power: 60_000))
        #expect(line.values == [false, true], "the trip stays in force under the new thresholds")
        var lowered = LimiterTests.settings
        lowered.powerThreshold = 40_000
        controller.updateLimiter(lowered)
        for second in stride(from: 2.0, through: 80, by: 2) { try controller.handle(reading: Fixtures.reading(at: second, power: 44_000)) }
        #expect(!controller.state.supplyConnected, "44 kW is over the lowered threshold: no reconnection")
    }

    @Test func theControllerJudgesOnlyTheLimitersMeter() throws {
        let provider = SimulatedLineProvider()
        let actuator = try RelayActuator.request(GPIOLineAddress(chip: "sim", line: .offset(1)), wiring: RelayWiring(energised: .cuts),
                                                 supplyConnected: true, from: provider)
        let controller = CutoffController(control: DisconnectControl(state: .connected), actuator: actuator, journal: RecordingJournal(),
                                          reconnection: .local, limiter: LimiterTests.settings, limiterMeter: "main")
        var other = Fixtures.reading(at: 0, power: 95_000)
        other.meter = "pv"
        try controller.handle(reading: other)
        #expect(controller.state.supplyConnected)
        try controller.handle(reading: Fixtures.reading(at: 1, power: 95_000))
        #expect(!controller.state.supplyConnected)
    }
}
