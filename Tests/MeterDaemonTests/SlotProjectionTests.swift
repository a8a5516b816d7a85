import Foundation
import Testing
@testable import MeterDaemon

/// The projection and its states against hand-computed cases: 360 s left is a tenth of an hour, so
/// each watt-hour short of a bound is 10 W of average power.
@Suite struct SlotProjectionTests {
    let clock = SlotClock(origin: Date(timeIntervalSince1970: 1_700_000_000), length: 900)
    /// 540 s into slot 3: 360 s left.
    var sixMinutesLeft: Date { clock.start(of: 3).addingTimeInterval(540) }

    func project(energy: Double, power: Double, minimum: Double, maximum: Double, maximumPower: Double? = nil) -> SlotProjection {
        .project(slot: 3, clock: clock, at: sixMinutesLeft, energySoFarWattHours: energy, recentPowerWatts: power,
                 interval: SlotInterval(minimumWattHours: minimum, maximumWattHours: maximum), maximumPowerWatts: maximumPower)
    }

    @Test func headingOverSaysThePowerToStayBelow() {
        let projection = project(energy: 5880, power: 50_000, minimum: 2000, maximum: 10_000)
        #expect(projection.secondsLeft == 360)
        #expect(projection.projectedWattHours == 10_880)
        #expect(projection.state == .headingOver)
        #expect(projection.powerAllowedWatts == 41_200)
        #expect(projection.powerNeededWatts == 0)
        #expect(projection.advice == "keep below 41.2 kW for the next 6 min 0 s (now 50.0 kW)")
    }

    @Test func headingUnderSaysThePowerToReach() {
        let projection = project(energy: 6800, power: 10_000, minimum: 8000, maximum: 12_000, maximumPower: 100_000)
        #expect(projection.projectedWattHours == 7800)
        #expect(projection.state == .headingUnder)
        #expect(projection.powerNeededWatts == 12_000)
        #expect(projection.advice == "draw at least 12.0 kW for the next 6 min 0 s (now 10.0 kW)")
    }

    @Test func insideBetweenBothBoundsSaysBoth() {
        let projection = project(energy: 7000, power: 20_000, minimum: 8000, maximum: 12_000)
        #expect(projection.projectedWattHours == 9000)
        #expect(projection.state == .inside)
        #expect(projection.powerNeededWatts == 10_000 && projection.powerAllowedWatts == 50_000)
        #expect(projection.advice == "draw between 10.0 kW and 50.0 kW for the next 6 min 0 s")
    }

    @Test func theMaximumItselfIsInsideAndOneWattHourMoreIsOver() {
        let atMaximum = project(energy: 10_000, power: 0, minimum: 2000, maximum: 10_000)
        #expect(atMaximum.state == .inside && atMaximum.powerAllowedWatts == 0)
        let over = project(energy: 10_001, power: 0, minimum: 2000, maximum: 10_000)
        #expect(over.state == .over)
        #expect(over.powerAllowedWatts == nil)
        #expect(over.advice == "the maximum of 10.0 kWh is passed: this slot is outside its interval whatever the site does")
    }

    @Test func aMinimumBeyondTheSitesPowerIsUnreachable() {
        // 5000 Wh + 20 kW for a tenth of an hour reaches 7000 Wh, short of 8000.
        let projection = project(energy: 5000, power: 10_000, minimum: 8000, maximum: 12_000, maximumPower: 20_000)
        #expect(projection.state == .underUnreachable)
        #expect(projection.powerNeededWatts == 30_000)
        #expect(projection.advice == "the minimum of 8.0 kWh cannot be reached: it needs 30.0 kW for the next 6 min 0 s, more than the site can draw")
        // 30 kW is exactly enough: reachable, so only heading under.
        #expect(project(energy: 5000, power: 10_000, minimum: 8000, maximum: 12_000, maximumPower: 30_000).state == .headingUnder)
        // Without the site's maximum power nothing is unreachable while time is left.
        #expect(project(energy: 5000, power: 10_000, minimum: 8000, maximum: 12_000).state == .headingUnder)
    }

    @Test func withNoTimeLeftTheEnergySoFarDecides() {
        let end = clock.start(of: 4).addingTimeInterval(-0.0)
        let short = SlotProjection.project(slot: 3, clock: clock, at: end, energySoFarWattHours: 7999, recentPowerWatts: 50_000,
                                           interval: SlotInterval(minimumWattHours: 8000, maximumWattHours: 12_000), maximumPowerWatts: nil)
        #expect(short.secondsLeft == 0)
        #expect(short.state == .underUnreachable)
        #expect(short.powerNeededWatts == .infinity)
    }

    @Test func durationsAndPowersReadAsAPersonWritesThem() {
        #expect(SlotProjection.duration(370.9) == "6 min 10 s")
        #expect(SlotProjection.duration(59) == "59 s")
        #expect(SlotProjection.power(950.4) == "950 W")
        #expect(SlotProjection.power(41_249) == "41.2 kW")
        #expect(SlotProjection.energy(10_000) == "10.0 kWh")
    }
}
