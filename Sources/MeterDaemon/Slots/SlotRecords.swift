import Drivers
import FoundationEssentials

/// What one settlement reading does to the slot series, as the records to journal: the slots it
/// closes and, when the readings around them lie too far apart, the skipped range as one gap. A value:
/// the pipeline adopts `aggregator` only once the records are written, so slots whose records a full
/// journal refused close again, from the register, with the next reading.
struct SlotRecords {
    /// The series after the reading.
    var aggregator: SlotAggregator
    /// The slots the reading closed, as journaled. Here the slot clock's coordinate (signed: the time
    /// before the agreement has slots too, slot −1's end gives slot 0 its start) becomes the agreement's
    /// slot index (the contract's uint): slots before the agreement's first are dropped.
    var closed: [SlotClosed]
    /// Why slots were skipped unmeasured, when they were.
    var skipped: String?
    /// The gap record of a skip, then a record for each closed slot, in that order.
    var entries: [JournalEntry]

    init(reading: Reading, milliwattHours: Int64, series: SlotAggregator) {
        var aggregator = series
        let advance = aggregator.add(time: reading.time, milliwattHours: milliwattHours)
        self.aggregator = aggregator
        closed = advance.closed.compactMap { slot in
            UInt64(exactly: slot.index).map { index in
                SlotClosed(slotIndex: index, slotStart: slot.start, consumptionWattHours: slot.consumptionWattHours,
                           endEnergyMilliwattHours: slot.endEnergyMilliwattHours)
            }
        }
        entries = []
        if let range = advance.skipped {
            let reason = "slots \(range.lowerBound) to \(range.upperBound - 1) skipped, unmeasured: the readings around them are "
                + "more than \(aggregator.maximumCatchUp) slots apart"
            skipped = reason
            entries.append(JournalEntry(time: reading.time, clockSynchronised: true, payload: .gap(Gap(
                meter: reading.meter, from: aggregator.clock.start(of: range.lowerBound), to: aggregator.clock.start(of: range.upperBound), reason: reason))))
        }
        entries += closed.map { JournalEntry(time: reading.time, clockSynchronised: true, payload: .slotClosed($0)) }
    }
}
