import Drivers
import Foundation
import Testing
@testable import MeterDaemon

/// The records one settlement reading adds to the journal for the slot series.
@Suite struct SlotRecordsTests {
    let clock = SlotClock(origin: Date(timeIntervalSince1970: 1_700_000_000), length: 900)

    func reading(at seconds: Double) -> Reading {
        Reading(meter: "main", time: clock.origin.addingTimeInterval(seconds), values: [:], energy: [:])
    }

    /// A series opened at the start of slot 0 with 1,000,000 mWh.
    func series(maximumCatchUp: Int64 = 96) -> SlotAggregator {
        var aggregator = SlotAggregator(clock: clock, maximumCatchUp: maximumCatchUp)
        _ = aggregator.add(time: clock.origin, milliwattHours: 1_000_000)
        return aggregator
    }

    @Test func aReadingPastTwoBoundariesClosesBothSlotsAsRecordsInOrder() {
        // 2 kWh over 1800 s: 1000 Wh a slot.
        let records = SlotRecords(reading: reading(at: 1800), milliwattHours: 3_000_000, series: series())
        #expect(records.closed.map(\.slotIndex) == [0, 1] && records.skipped == nil)
        let slots = records.entries.compactMap { if case .slotClosed(let slot) = $0.payload { slot } else { nil } }
        #expect(slots.map(\.slotIndex) == [0, 1] && slots.map(\.consumptionWattHours) == [1000, 1000])
        #expect(slots.map(\.endEnergyMilliwattHours) == [2_000_000, 3_000_000])
        #expect(records.entries.allSatisfy { $0.clockSynchronised && $0.time == clock.origin.addingTimeInterval(1800) })
        #expect(records.aggregator.open?.index == 2)
    }

    @Test func readingsTooFarApartSkipTheSlotsBetweenAsOneGapRecord() {
        let records = SlotRecords(reading: reading(at: 900 * 10 + 1), milliwattHours: 9_000_000, series: series(maximumCatchUp: 4))
        let reason = "slots 0 to 9 skipped, unmeasured: the readings around them are more than 4 slots apart"
        #expect(records.skipped == reason)
        guard case .gap(let gap) = records.entries.first?.payload else {
            Issue.record("the first record is the gap: \(records.entries)")
            return
        }
        #expect(gap == Gap(meter: "main", from: clock.origin, to: clock.origin.addingTimeInterval(9000), reason: reason))
        #expect(records.closed.isEmpty && records.entries.count == 1)
    }

    @Test func slotsBeforeTheAgreementsFirstAreNotRecorded() {
        var early = SlotAggregator(clock: clock, maximumCatchUp: 96)
        _ = early.add(time: clock.origin.addingTimeInterval(-900), milliwattHours: 1_000_000)
        let records = SlotRecords(reading: reading(at: 900), milliwattHours: 3_000_000, series: early)
        #expect(records.closed.map(\.slotIndex) == [0])
        #expect(records.entries.count == 1)
    }

    @Test func theSeriesGivenIsLeftAsItWasUntilThePipelineAdoptsTheNewOne() {
        let before = series()
        let records = SlotRecords(reading: reading(at: 1800), milliwattHours: 3_000_000, series: before)
        #expect(before == series() && records.aggregator != before)
    }
}
