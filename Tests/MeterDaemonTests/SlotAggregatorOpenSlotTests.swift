import Foundation
import Testing
@testable import MeterDaemon

/// `SlotAggregator.open`: the slot the guard projects and the register at its start.
@Suite struct SlotAggregatorOpenSlotTests {
    let clock = SlotClock(origin: Date(timeIntervalSince1970: 1_700_000_000), length: 900)
    func at(_ seconds: Double) -> Date { clock.origin.addingTimeInterval(seconds) }

    @Test func noSlotIsOpenBeforeTheFirstReadingAndTheFirstOnesStartIsUnknown() {
        var aggregator = SlotAggregator(clock: clock, maximumCatchUp: 96)
        #expect(aggregator.open == nil)
        _ = aggregator.add(time: at(100), milliwattHours: 5_000_000)
        #expect(aggregator.open == SlotAggregator.OpenSlot(index: 0, startEnergyMilliwattHours: nil))
    }

    @Test func theNextSlotOpensFromTheInterpolatedBoundary() {
        var aggregator = SlotAggregator(clock: clock, maximumCatchUp: 96)
        _ = aggregator.add(time: at(800), milliwattHours: 5_000_000)
        // 1000 Wh over 200 s: the boundary at 900 s is halfway.
        _ = aggregator.add(time: at(1000), milliwattHours: 6_000_000)
        #expect(aggregator.open == SlotAggregator.OpenSlot(index: 1, startEnergyMilliwattHours: 5_500_000))
    }

    @Test func aResumedAggregatorKnowsTheOpenSlotsStartFromTheJournal() {
        let aggregator = SlotAggregator(clock: clock, maximumCatchUp: 96, resumingAfter: 4, endEnergy: 7_000_000,
                                        lastReading: (at(4600), 7_200_000))
        #expect(aggregator.open == SlotAggregator.OpenSlot(index: 5, startEnergyMilliwattHours: 7_000_000))
    }

    @Test func aBreakClosesNothingAndLeavesNoSlotOpen() {
        var aggregator = SlotAggregator(clock: clock, maximumCatchUp: 96)
        _ = aggregator.add(time: at(900), milliwattHours: 5_000_000)
        #expect(aggregator.open == SlotAggregator.OpenSlot(index: 1, startEnergyMilliwattHours: 5_000_000), "a first reading on the boundary")
        aggregator.breakSeries()
        #expect(aggregator.open == nil)
    }
}
