import Foundation
import Testing
@testable import MeterDaemon

/// The guard fed as the daemon feeds it (the aggregator first, then the guard with its open slot),
/// against hand-computed cases. 36 kW is 10 Wh a second; slots are 900 s; the interval is 2 to 10 kWh.
@Suite struct SlotGuardTests {
    let clock = SlotClock(origin: Date(timeIntervalSince1970: 1_700_000_000), length: 900)
    let interval = SlotInterval(minimumWattHours: 2000, maximumWattHours: 10_000)
    /// Seconds into slot 3.
    func at(_ seconds: Double) -> Date { clock.start(of: 3).addingTimeInterval(seconds) }

    struct Site {
        var aggregator: SlotAggregator
        var slotGuard: SlotGuard

        mutating func read(_ time: Date, _ milliwattHours: Int64) -> SlotGuardReport {
            _ = aggregator.add(time: time, milliwattHours: milliwattHours)
            return slotGuard.observe(time: time, milliwattHours: milliwattHours, open: aggregator.open)
        }
    }

    func site(_ aggregator: SlotAggregator? = nil) -> Site {
        Site(aggregator: aggregator ?? SlotAggregator(clock: clock, maximumCatchUp: 96),
             slotGuard: SlotGuard(intervals: .everySlot(interval), clock: clock, maximumPowerWatts: nil))
    }

    @Test func aSlotHeadingOverSaysThePowerToStayBelow() throws {
        var site = site()
        let start: Int64 = 5_000_000
        #expect(site.read(at(0), start).unavailable == .oneReading, "slot 3 starts on this reading; the power needs two")
        var report = SlotGuardReport.unavailable(.waiting, at: at(0))
        // 54 kW: 15 Wh a second.
        for second in stride(from: 10, through: 540, by: 10) { report = site.read(at(Double(second)), start + Int64(second) * 15_000) }
        let projection = try #require(report.projection)
        #expect(projection.slot == 3 && projection.energySoFarWattHours == 8100 && projection.secondsLeft == 360)
        #expect(projection.recentPowerWatts == 54_000)
        // 8100 Wh + 54 kW for a tenth of an hour.
        #expect(projection.projectedWattHours == 13_500)
        #expect(projection.state == .headingOver)
        // (10000 - 8100) Wh in a tenth of an hour.
        #expect(projection.powerAllowedWatts == 19_000)
        #expect(report.explanation == "keep below 19.0 kW for the next 6 min 0 s (now 54.0 kW)")
        #expect(report.short == "slot 3 heading-over: keep below 19.0 kW for 6 min 0 s")
    }

    /// meterd restarted 420 s into slot 3: the journal gave the slot's start (the end of slot 2), so
    /// the slot is projected from the second reading after the start, with the energy of the whole slot.
    @Test func aSlotStartedBeforeARestartIsProjectedFromTheJournaledBoundary() throws {
        let resumed = SlotAggregator(clock: clock, maximumCatchUp: 96, resumingAfter: 2, endEnergy: 5_000_000,
                                     lastReading: (at(300), 8_000_000))
        var site = site(resumed)
        #expect(site.read(at(420), 9_200_000) == .unavailable(.oneReading, slot: 3, at: at(420)))
        let projection = try #require(site.read(at(430), 9_300_000).projection)
        #expect(projection.energySoFarWattHours == 4300 && projection.recentPowerWatts == 36_000 && projection.secondsLeft == 470)
        // 4300 Wh + 36 kW for 470 s = 4300 + 4700.
        #expect(projection.projectedWattHours == 9000)
        #expect(projection.state == .inside)
        #expect(SlotProjection.power(try #require(projection.powerAllowedWatts)) == "43.7 kW", "5700 Wh in 470 s")
    }

    /// A start with no journaled slot, 420 s into slot 3: its start is unknown, so it is not projected;
    /// slot 4 is, from the boundary interpolated between the readings around it.
    @Test func aSlotStartedBeforeAFreshStartIsNotProjectedButTheNextIs() throws {
        var site = site()
        #expect(site.read(at(420), 9_200_000) == .unavailable(.slotStartUnknown, slot: 3, at: at(420)))
        #expect(site.read(at(430), 9_300_000).unavailable == .slotStartUnknown)
        var report = site.read(at(895), 13_950_000)
        #expect(report.unavailable == .slotStartUnknown)
        report = site.read(at(905), 14_050_000)
        let projection = try #require(report.projection)
        #expect(projection.slot == 4 && projection.energySoFarWattHours == 50 && projection.secondsLeft == 895)
        #expect(report.explanation.isEmpty == false)
    }

    /// The meter away for 300 s inside the slot at half the power: the energy so far is the register's,
    /// and the recent power is the outage's average (its stretch spans it), not the power before it.
    @Test func aMeterOutageInsideTheSlotIsBridgedByTheRegister() throws {
        var site = site()
        for second in stride(from: 0, through: 300, by: 10) { _ = site.read(at(Double(second)), 5_000_000 + Int64(second) * 10_000) }
        // 3000 Wh by 300 s, then 18 kW (5 Wh a second) for 300 s: 1500 Wh more.
        let projection = try #require(site.read(at(600), 5_000_000 + 4_500_000).projection)
        #expect(projection.energySoFarWattHours == 4500 && projection.recentPowerWatts == 18_000 && projection.secondsLeft == 300)
        // 4500 + 18 kW for 300 s = 4500 + 1500.
        #expect(projection.projectedWattHours == 6000 && projection.state == .inside)
        #expect(projection.powerAllowedWatts == 66_000 && projection.powerNeededWatts == 0)
    }

    /// An outage across the boundary: slot 4's start is interpolated between the readings around it.
    @Test func aMeterOutageAcrossTheBoundaryOpensTheNextSlotFromTheInterpolatedValue() throws {
        var site = site()
        for second in stride(from: 0, through: 800, by: 10) { _ = site.read(at(Double(second)), 5_000_000 + Int64(second) * 10_000) }
        // Back 100 s into slot 4: halfway through a 200 s outage at 36 kW, so slot 4 started at 14 000 Wh.
        let projection = try #require(site.read(at(1000), 15_000_000).projection)
        #expect(projection.slot == 4 && projection.energySoFarWattHours == 1000 && projection.recentPowerWatts == 36_000)
        #expect(projection.projectedWattHours == 9000 && projection.state == .inside)
    }

    /// The clock lost just before the boundary and back on it: nothing is projected while it is lost,
    /// and the power before the loss does not count after it.
    @Test func whileTheClockIsNotSynchronisedNothingIsProjected() throws {
        var site = site()
        // 72 kW in slot 3.
        for second in stride(from: 0, through: 890, by: 10) { _ = site.read(at(Double(second)), 5_000_000 + Int64(second) * 20_000) }
        site.aggregator.breakSeries()
        #expect(site.slotGuard.clockNotSynchronised(at: at(895)) == .unavailable(.clockNotSynchronised, at: at(895)))
        // Synchronised again on slot 4's boundary, now at 36 kW: a first reading on the boundary is the slot's start.
        #expect(site.read(at(900), 23_000_000) == .unavailable(.oneReading, slot: 4, at: at(900)), "the readings before the loss were dropped")
        let projection = try #require(site.read(at(910), 23_100_000).projection)
        #expect(projection.recentPowerWatts == 36_000 && projection.energySoFarWattHours == 100)
    }

    @Test func aSlotBeforeTheAgreementOrWithoutTheRegisterIsNotProjected() {
        var site = Site(aggregator: SlotAggregator(clock: clock, maximumCatchUp: 96),
                        slotGuard: SlotGuard(intervals: .profile([interval]), clock: clock, maximumPowerWatts: nil))
        let early = clock.origin.addingTimeInterval(-100)
        #expect(site.read(early, 1_000_000) == .unavailable(.beforeAgreement, slot: -1, at: early))
        #expect(site.slotGuard.registerMissing(at: at(5), open: site.aggregator.open).unavailable == .registerMissing)
    }
}
