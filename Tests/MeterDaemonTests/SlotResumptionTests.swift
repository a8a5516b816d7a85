import Drivers
import Foundation
import Testing
@testable import MeterDaemon

/// Where slot aggregation resumes after a restart, from a real journal: on the same slot clock it
/// continues after the last closed slot; on another clock (a new agreement, another slot length,
/// [chain] removed) it starts a new series instead of closing every slot in between.
@Suite struct SlotResumptionTests {
    let agreementClock = SlotClock(origin: JournalFixtures.base, length: 900)

    func journalWithSlotsClosed(through last: Int64, in directory: TemporaryDirectory) throws -> Journal {
        let (journal, _) = try Journal.open(directory: directory.path, key: JournalFixtures.key, options: JournalFixtures.fastOptions)
        let entries = (0...last).map { slot in
            JournalEntry(time: agreementClock.start(of: slot + 1), clockSynchronised: true, payload: .slotClosed(SlotClosed(
                slotIndex: UInt64(slot), slotStart: agreementClock.start(of: slot), consumptionWattHours: 1000,
                endEnergyMilliwattHours: 1_000_000 * (slot + 1))))
        }
        try journal.append(entries)
        return journal
    }

    @Test func onTheSameClockTheSeriesContinues() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let journal = try journalWithSlotsClosed(through: 4, in: directory)
        defer { try? journal.close() }
        var outcome = try SlotResumption.aggregator(clock: agreementClock, maximumCatchUp: 96, journal: journal, meter: "sdm630")
        #expect(outcome.clockChange == nil)
        let advance = outcome.aggregator.add(time: agreementClock.start(of: 6), milliwattHours: 6_000_000)
        #expect(advance.closed.map(\.index) == [5])
        #expect(advance.closed.first?.consumptionWattHours == 1000)
    }

    /// After readings taken without a synchronised clock, a restart does not interpolate from them: a new
    /// series starts, and its first slot is unmeasured rather than guessed.
    @Test func readingsWithAnUntrustedClockAfterTheLastSlotStartANewSeries() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let journal = try journalWithSlotsClosed(through: 4, in: directory)
        defer { try? journal.close() }
        var untrusted = JournalFixtures.reading(0)
        untrusted.time = agreementClock.start(of: 5).addingTimeInterval(-86_400)
        try journal.append([JournalEntry(reading: untrusted, clockSynchronised: false)])
        var outcome = try SlotResumption.aggregator(clock: agreementClock, maximumCatchUp: 96, journal: journal, meter: "sdm630")
        #expect(outcome.clockChange == nil)
        #expect(outcome.aggregator.add(time: agreementClock.start(of: 7).addingTimeInterval(5), milliwattHours: 9_000_000) == SlotAggregator.Advance())
        let next = outcome.aggregator.add(time: agreementClock.start(of: 8).addingTimeInterval(5), milliwattHours: 9_500_000)
        #expect(next.closed.map(\.index) == [7] && next.closed.first?.consumptionWattHours == nil)
    }

    /// A restart before the new series (after untrusted readings) has closed a slot continues it from the
    /// trusted readings it had: the slot between them and the next reading is measured, not lost.
    @Test func aSeriesThatClosedNoSlotYetContinuesAfterARestart() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let journal = try journalWithSlotsClosed(through: 4, in: directory)
        defer { try? journal.close() }
        func reading(at slot: Int64, plus seconds: Double, milliwattHours: Int64) -> JournalEntry {
            var reading = JournalFixtures.reading(0)
            reading.time = agreementClock.start(of: slot).addingTimeInterval(seconds)
            reading.energy[.importActiveEnergy] = EnergyValue(milliwattHours: milliwattHours, resolutionMilliwattHours: 1)
            return JournalEntry(reading: reading, clockSynchronised: true)
        }
        var untrusted = JournalFixtures.reading(0)
        untrusted.time = agreementClock.start(of: 5).addingTimeInterval(-86_400)
        try journal.append([JournalEntry(reading: untrusted, clockSynchronised: false),
                            reading(at: 7, plus: 300, milliwattHours: 9_000_000), reading(at: 7, plus: 600, milliwattHours: 9_300_000)])
        var outcome = try SlotResumption.aggregator(clock: agreementClock, maximumCatchUp: 96, journal: journal, meter: "sdm630")
        // 1 Wh a second from the last reading on: the reading at slot 9 + 300 s closes 7 (unmeasured: it began
        // before the series) and 8.
        let closed = outcome.aggregator.add(time: agreementClock.start(of: 9).addingTimeInterval(300), milliwattHours: 9_300_000 + 1_500_000).closed
        #expect(closed.map(\.index) == [7, 8])
        #expect(closed.map(\.consumptionWattHours) == [nil, 900])
    }

    @Test(arguments: [SlotClock(origin: Date(timeIntervalSince1970: 0), length: 900), SlotClock(origin: JournalFixtures.base, length: 60)])
    func onAnotherClockANewSeriesStarts(clock: SlotClock) throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let journal = try journalWithSlotsClosed(through: 4, in: directory)
        defer { try? journal.close() }
        var outcome = try SlotResumption.aggregator(clock: clock, maximumCatchUp: 96, journal: journal, meter: "sdm630")
        let change = try #require(outcome.clockChange)
        #expect(change.contains("is not a slot of the agreement's clock (slots of \(clock.length) s"), "\(change)")
        let now = JournalFixtures.base.addingTimeInterval(10 * 900)
        #expect(outcome.aggregator.add(time: now, milliwattHours: 6_000_000) == SlotAggregator.Advance(), "a new series opens at its first reading")
        #expect(outcome.aggregator.add(time: now.addingTimeInterval(Double(clock.length)), milliwattHours: 6_100_000).closed.count == 1)
    }
}
