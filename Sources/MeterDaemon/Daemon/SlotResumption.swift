import Drivers
import FoundationEssentials

/// Where slot aggregation stands according to the journal: the last closed slot with its boundary
/// value, and the settlement meter's last reading after it. Only the newest segments are read.
enum SlotResumption {
    /// The aggregator to run with, and why it starts a new slot series when it does.
    struct Outcome {
        var aggregator: SlotAggregator
        /// Set when the journal's last slot does not lie on `clock`: a new agreement, another slot length,
        /// or [chain] removed. Its slots are not continued: a new series starts.
        var clockChange: String?
    }

    static func aggregator(clock: SlotClock, maximumCatchUp: Int64, journal: Journal, meter: String) throws -> Outcome {
        var lastSlot: SlotClosed?
        // The first and the newest reading with a trusted time since the last untrusted one (nil: none since).
        var firstTrustedReading: (Date, Int64)?
        var lastTrustedReading: (Date, Int64)?
        var untrustedSinceSlot = false
        let segments = journal.segmentSummaries().filter { !$0.damaged }
        for segment in segments.reversed() {
            guard let first = segment.firstSequence else { continue }
            lastSlot = nil
            firstTrustedReading = nil
            lastTrustedReading = nil
            untrustedSinceSlot = false
            try journal.reader.forEach(RecordFilter(kinds: [.slotClosed, .reading], fromSequence: first)) { record in
                switch record.payload {
                case .slotClosed(let slot) where slot.endEnergyMilliwattHours != nil:
                    // The reading that closed it comes just before and stays the interpolation's start.
                    lastSlot = slot
                    untrustedSinceSlot = false
                case .reading(let reading) where reading.meter == meter:
                    // A reading taken while the clock was not synchronised breaks the series, as it does
                    // while running: its time cannot be trusted at a slot boundary.
                    if !record.clockSynchronised {
                        untrustedSinceSlot = true
                        firstTrustedReading = nil
                        lastTrustedReading = nil
                    } else if let energy = reading.energy[.importActiveEnergy] {
                        lastTrustedReading = (reading.time, energy.milliwattHours)
                        if firstTrustedReading == nil { firstTrustedReading = lastTrustedReading }
                    }
                default:
                    break
                }
            }
            if lastSlot != nil { break }
        }
        guard let slot = lastSlot, let end = slot.endEnergyMilliwattHours, !untrustedSinceSlot else {
            return Outcome(aggregator: series(first: firstTrustedReading, last: lastTrustedReading, clock: clock, maximumCatchUp: maximumCatchUp))
        }
        guard slot.slotIndex <= UInt64(Int64.max), clock.start(of: Int64(slot.slotIndex)) == slot.slotStart else {
            return Outcome(aggregator: SlotAggregator(clock: clock, maximumCatchUp: maximumCatchUp),
                           clockChange: "the journal's last slot, \(slot.slotIndex) from \(slot.slotStart), is not a slot of "
                           + "the agreement's clock (slots of \(clock.length) s from \(clock.origin)); a new slot series starts")
        }
        return Outcome(aggregator: SlotAggregator(clock: clock, maximumCatchUp: maximumCatchUp, resumingAfter: Int64(slot.slotIndex),
                                                  endEnergy: end, lastReading: lastTrustedReading))
    }

    /// A series that has closed no slot yet: the trusted readings since the last untrusted one closed
    /// none, so the series is where they left it: opened by the first, up to the newest. Without one it
    /// opens at the next reading.
    private static func series(first: (Date, Int64)?, last: (Date, Int64)?, clock: SlotClock, maximumCatchUp: Int64) -> SlotAggregator {
        var aggregator = SlotAggregator(clock: clock, maximumCatchUp: maximumCatchUp)
        for (time, energy) in [first, last].compactMap({ $0 }) { _ = aggregator.add(time: time, milliwattHours: energy) }
        return aggregator
    }
}
