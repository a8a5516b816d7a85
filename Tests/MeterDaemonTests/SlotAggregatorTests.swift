import Foundation
import Testing
@testable import MeterDaemon

@Suite struct SlotAggregatorTests {
    let clock = SlotClock(origin: Date(timeIntervalSince1970: 1_700_000_000), length: 900)
    func at(_ seconds: Double) -> Date { clock.origin.addingTimeInterval(seconds) }

    @Test func aSteadyLoadFillsEachSlotWithItsShare() {
        var aggregator = SlotAggregator(clock: clock, maximumCatchUp: 96)
        var closed: [SlotAggregator.ClosedSlot] = []
        // 4 kW: 1 Wh every 0.9 s; readings every 10 s for 3 slots, from 10 s into the first.
        for step in 1...270 {
            let seconds = Double(step) * 10
            closed += aggregator.add(time: at(seconds), milliwattHours: 5_000_000 + Int64(seconds * 4_000_000 / 3600)).closed
        }
        // The reading at 2700 s closes slot 2, which ends there.
        #expect(closed.map(\.index) == [0, 1, 2])
        #expect(closed[0].consumptionWattHours == nil, "the first slot began before the first reading")
        #expect(closed[1].consumptionWattHours == 1000 && closed[2].consumptionWattHours == 1000)
        #expect(closed[1].endEnergyMilliwattHours == 5_000_000 + 2_000_000)
    }

    /// A series whose first reading lies right on a boundary knows that slot's start value.
    @Test func aFirstReadingOnTheBoundaryMeasuresItsSlot() {
        var aggregator = SlotAggregator(clock: clock, maximumCatchUp: 96)
        #expect(aggregator.add(time: at(900), milliwattHours: 2_000_000) == SlotAggregator.Advance())
        let closed = aggregator.add(time: at(1800), milliwattHours: 2_750_000).closed
        #expect(closed.map(\.index) == [1] && closed.first?.consumptionWattHours == 750)
    }

    @Test func missedPollsAndAnOutageLoseNoEnergy() {
        var aggregator = SlotAggregator(clock: clock, maximumCatchUp: 96)
        var closed: [SlotAggregator.ClosedSlot] = []
        let readings: [(Double, Int64)] = [(10, 1_000_000), (950, 1_500_123), (1790, 1_900_456), (5000, 3_333_333), (5410, 3_500_001)]
        for (seconds, energy) in readings { closed += aggregator.add(time: at(seconds), milliwattHours: energy).closed }
        // Slots 0..5 closed by the readings at 5000 s and 5410 s (slot 6 still open).
        #expect(closed.map(\.index) == [0, 1, 2, 3, 4, 5])
        let measured = closed.compactMap(\.consumptionWattHours)
        // Every measured slot together equals the register's whole-Wh difference between the boundaries.
        #expect(measured.reduce(0, +) == closed.last!.endEnergyMilliwattHours / 1000 - closed[0].endEnergyMilliwattHours / 1000)
        #expect(measured.allSatisfy { $0 >= 0 })
    }

    @Test func boundariesAreInterpolatedBetweenTheReadingsAroundThem() throws {
        var aggregator = SlotAggregator(clock: clock, maximumCatchUp: 96)
        _ = aggregator.add(time: at(800), milliwattHours: 10_000_000)
        let first = aggregator.add(time: at(1000), milliwattHours: 10_200_000).closed
        #expect(first.first?.endEnergyMilliwattHours == 10_100_000)
        let second = aggregator.add(time: at(1900), milliwattHours: 11_200_000).closed
        // Boundary at 1800 s: 10.2 kWh + 800/900 of 1 kWh.
        let boundary = try #require(second.first)
        #expect(boundary.endEnergyMilliwattHours == 10_200_000 + 888_888)
        let expected: Int64 = 11_088 - 10_100
        #expect(boundary.consumptionWattHours == expected)
    }

    @Test func resumingAfterARestartContinuesFromTheJournaledBoundary() {
        var original = SlotAggregator(clock: clock, maximumCatchUp: 96)
        var resumed: SlotAggregator?
        var fromOriginal: [SlotAggregator.ClosedSlot] = []
        var fromResumed: [SlotAggregator.ClosedSlot] = []
        for step in 0...400 {
            let time = at(Double(step) * 7)
            let energy = 2_000_000 + Int64(step) * 1_234
            fromOriginal += original.add(time: time, milliwattHours: energy).closed
            if step == 200 {
                let lastClosed = fromOriginal.last!
                resumed = SlotAggregator(clock: clock, maximumCatchUp: 96, resumingAfter: lastClosed.index, endEnergy: lastClosed.endEnergyMilliwattHours,
                                         lastReading: (time, energy))
            } else if step > 200 {
                fromResumed += resumed!.add(time: time, milliwattHours: energy).closed
            }
        }
        #expect(!fromResumed.isEmpty)
        #expect(fromResumed == Array(fromOriginal.suffix(fromResumed.count)))
    }

    @Test func aReadingThatDoesNotMoveTimeForwardIsIgnored() {
        var aggregator = SlotAggregator(clock: clock, maximumCatchUp: 96)
        _ = aggregator.add(time: at(100), milliwattHours: 1_000)
        #expect(aggregator.add(time: at(50), milliwattHours: 900) == SlotAggregator.Advance())
        #expect(aggregator.add(time: at(950), milliwattHours: 2_000).closed.count == 1)
    }

    /// Readings a year apart on one-second slots (a slot clock that moved, a daemon away for long) close
    /// no slot each: the range between is skipped at once, and the slot after it is measured again.
    @Test func aGapLongerThanTheCatchUpIsOneSkippedRange() {
        let seconds = SlotClock(origin: clock.origin, length: 1)
        var aggregator = SlotAggregator(clock: seconds, maximumCatchUp: 86_400)
        _ = aggregator.add(time: seconds.start(of: 10), milliwattHours: 1_000_000)
        let year: Int64 = 365 * 86_400
        let far = aggregator.add(time: seconds.start(of: year).addingTimeInterval(0.5), milliwattHours: 9_000_000)
        #expect(far.closed.isEmpty)
        #expect(far.skipped == 10..<year)
        let next = aggregator.add(time: seconds.start(of: year + 1).addingTimeInterval(0.5), milliwattHours: 9_002_000)
        #expect(next.closed.map(\.index) == [year])
        #expect(next.closed.first?.consumptionWattHours == 2, "the slot after the gap is measured from the readings around it")
        #expect(next.skipped == nil)
    }

    @Test func aGapWithinTheCatchUpClosesEverySlotAndLosesNoEnergy() {
        var aggregator = SlotAggregator(clock: clock, maximumCatchUp: 96)
        _ = aggregator.add(time: at(10), milliwattHours: 1_000_000)
        let advance = aggregator.add(time: at(96 * 900 + 10), milliwattHours: 1_000_000 + 96_000_000)
        #expect(advance.skipped == nil)
        #expect(advance.closed.map(\.index) == Array(0..<96))
        #expect(advance.closed.dropFirst().allSatisfy { $0.consumptionWattHours == 1000 })
    }

    /// Readings while the clock is not trusted break the series: no slot whose boundary lies in that
    /// stretch is guessed; the slots measured on either side still add up to their registers' differences.
    @Test func anUntrustedClockBreaksTheSeries() {
        var aggregator = SlotAggregator(clock: clock, maximumCatchUp: 96)
        var closed: [SlotAggregator.ClosedSlot] = []
        for seconds in stride(from: 10.0, through: 1810, by: 100) { closed += aggregator.add(time: at(seconds), milliwattHours: Int64(seconds) * 1000).closed }
        aggregator.breakSeries()
        for seconds in stride(from: 4510.0, through: 7210, by: 100) { closed += aggregator.add(time: at(seconds), milliwattHours: Int64(seconds) * 1000).closed }
        #expect(closed.map(\.index) == [0, 1, 5, 6, 7])
        #expect(closed.map(\.consumptionWattHours) == [nil, 900, nil, 900, 900], "slot 2, open at the break, and 3 and 4 never close")
    }

    @Test func slotIndicesFollowTheClock() {
        #expect(clock.slot(containing: at(0)) == 0)
        #expect(clock.slot(containing: at(899.999)) == 0)
        #expect(clock.slot(containing: at(900)) == 1)
        #expect(clock.slot(containing: at(-1)) == -1)
        #expect(clock.start(of: 3) == at(2700))
    }
}
