import Drivers
import Foundation
import Testing
@testable import MeterDaemon

/// What a reading does to the settlement series: register episodes, breaks, and slot records that
/// count only once adopted.
@Suite struct SettlementSeriesTests {
    let clock = SlotClock(origin: Date(timeIntervalSince1970: 1_700_000_000), length: 900)

    func reading(_ meter: String = "main", at seconds: Double, milliwattHours: Int64?) -> Reading {
        Reading(meter: meter, time: clock.origin.addingTimeInterval(seconds),
                energy: milliwattHours.map { [.importActiveEnergy: EnergyValue(milliwattHours: $0, resolutionMilliwattHours: 10)] } ?? [:])
    }

    /// A series whose open slot 0 started with 1,000,000 mWh.
    func series() -> SettlementSeries {
        var aggregator = SlotAggregator(clock: clock, maximumCatchUp: 96)
        _ = aggregator.add(time: clock.origin, milliwattHours: 1_000_000)
        return SettlementSeries(meter: "main", aggregator: aggregator)
    }

    @Test func anotherMetersReadingDoesNothing() {
        var settlement = series()
        let step = settlement.step(reading("other", at: 1800, milliwattHours: nil), synchronised: true)
        #expect(step.episode == nil && step.records == nil && !settlement.registerMissing)
        #expect(settlement.open?.index == 0)
    }

    @Test func aMissingRegisterStartsAndEndsOneEpisode() {
        var settlement = series()
        #expect(settlement.step(reading(at: 10, milliwattHours: nil), synchronised: true).episode == .started)
        let again = settlement.step(reading(at: 20, milliwattHours: nil), synchronised: true)
        #expect(again.episode == nil && again.records == nil && settlement.registerMissing)
        let back = settlement.step(reading(at: 30, milliwattHours: 1_010_000), synchronised: true)
        #expect(back.episode == .ended && back.records != nil && !settlement.registerMissing)
    }

    @Test func slotsCloseOnlyOnceTheirRecordsAreAdopted() throws {
        var settlement = series()
        let first = try #require(settlement.step(reading(at: 1000, milliwattHours: 2_000_000), synchronised: true).records)
        #expect(first.closed.map(\.slotIndex) == [0])
        // Not adopted (the journal refused them): the next reading closes slot 0 again, from the register.
        let retried = try #require(settlement.step(reading(at: 1010, milliwattHours: 2_010_000), synchronised: true).records)
        #expect(retried.closed.map(\.slotIndex) == [0])
        settlement.adopt(retried)
        #expect(settlement.open?.index == 1)
        let next = try #require(settlement.step(reading(at: 1020, milliwattHours: 2_020_000), synchronised: true).records)
        #expect(next.closed.isEmpty)
    }

    @Test func anUntrustedClockBreaksTheSeriesAndGivesNoRecords() throws {
        var settlement = series()
        let step = settlement.step(reading(at: 1000, milliwattHours: 2_000_000), synchronised: false)
        #expect(step.records == nil && settlement.open == nil)
        // The first trusted reading opens a new series: its slot's start is unknown.
        let resumed = try #require(settlement.step(reading(at: 2000, milliwattHours: 3_000_000), synchronised: true).records)
        #expect(resumed.closed.isEmpty)
        settlement.adopt(resumed)
        #expect(settlement.open == SlotAggregator.OpenSlot(index: 2, startEnergyMilliwattHours: nil))
    }
}
