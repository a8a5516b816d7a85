import Foundation
import Testing
@testable import MeterDaemon

/// The recent power from the import register: 10 Wh a second is 36 kW.
@Suite struct RecentPowerTests {
    let origin = Date(timeIntervalSince1970: 1_700_000_000)

    @Test func aSteadyLoadReadsAsItsPower() {
        var power = RecentPower(window: 60, stretch: 10)
        #expect(power.estimate == nil)
        power.add(time: origin, milliwattHours: 5_000_000)
        #expect(power.estimate == nil, "one reading has no power")
        for second in 1...90 { power.add(time: origin.addingTimeInterval(Double(second)), milliwattHours: 5_000_000 + Int64(second) * 10_000) }
        #expect(power.estimate == 36_000)
    }

    @Test func oneStretchWithASpikeDoesNotMoveTheMedian() {
        var power = RecentPower(window: 60, stretch: 10)
        for step in 0...12 {
            let seconds = step * 5
            // 100 Wh more between 30 s and 35 s: that stretch reads 72 kW.
            power.add(time: origin.addingTimeInterval(Double(seconds)), milliwattHours: Int64(seconds) * 10_000 + (seconds >= 35 ? 100_000 : 0))
        }
        #expect(power.estimate == 36_000)
    }

    @Test func theFirstStretchAfterAnOutageSpansIt() {
        var power = RecentPower(window: 60, stretch: 10)
        for second in 0...30 { power.add(time: origin.addingTimeInterval(Double(second)), milliwattHours: Int64(second) * 10_000) }
        // Away for 300 s at half the power: 1500 Wh.
        power.add(time: origin.addingTimeInterval(330), milliwattHours: 300_000 + 1_500_000)
        #expect(power.estimate == 18_000)
    }

    @Test func readingsOlderThanTheWindowStopCounting() {
        var power = RecentPower(window: 60, stretch: 10)
        var energy: Int64 = 0
        for second in 1...200 {
            energy += second <= 120 ? 10_000 : 5_000
            power.add(time: origin.addingTimeInterval(Double(second)), milliwattHours: energy)
        }
        #expect(power.estimate == 18_000)
        power.reset()
        #expect(power.estimate == nil)
    }

    @Test func aStretchShorterThanAskedIsUsedUntilAFullOneExists() {
        var power = RecentPower(window: 60, stretch: 10)
        power.add(time: origin, milliwattHours: 0)
        power.add(time: origin.addingTimeInterval(4), milliwattHours: 20_000)
        #expect(power.estimate == 18_000)
    }

    @Test func theWindowScalesWithTheSlotWithinItsBounds() {
        let quarterHour = RecentPower.scaled(toSlotSeconds: 900, pollSeconds: 1)
        #expect(quarterHour.window == 60 && quarterHour.stretch == 10)
        let hour = RecentPower.scaled(toSlotSeconds: 3600, pollSeconds: 1)
        #expect(hour.window == 60, "at most a minute")
        let fiveMinutes = RecentPower.scaled(toSlotSeconds: 300, pollSeconds: 1)
        #expect(fiveMinutes.window == 20 && fiveMinutes.stretch == 20.0 / 6)
        let short = RecentPower.scaled(toSlotSeconds: 4, pollSeconds: 0.5)
        #expect(short.window == 1.5 && short.stretch == 0.5, "at least three polls, stretches at least one")
        let configured = RecentPower.scaled(toSlotSeconds: 900, pollSeconds: 1, window: 180)
        #expect(configured.window == 180 && configured.stretch == 30)
        let belowThePoll = RecentPower.scaled(toSlotSeconds: 900, pollSeconds: 5, window: 2)
        #expect(belowThePoll.window == 15 && belowThePoll.stretch == 5)
    }
}
