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
        var lastReading: (Date, Int64)?
        var untrusted = false
        let segments = journal.segmentSummaries().filter { !$0.damaged }
        for segment in segments.reversed() {
            guard let first = segment.firstSequence else { continue }
            try journal.reader.forEach(RecordFilter(kinds: [.slotClosed, .reading], fromSequence: first)) { record in
                switch record.payload {
                case .slotClosed(let slot) where slot.endEnergyMilliwattHours != nil:
                    lastSlot = slot
                    lastReading = nil
                    untrusted = false
                case .reading(let reading) where reading.meter == meter:
                    // A reading taken while the clock was not synchronised breaks the series, as it does
                    // while running: its time cannot be trusted at a slot boundary.
                    if !record.clockSynchronised { untrusted = true }
                    if let energy = reading.energy[.importActiveEnergy] { lastReading = (reading.time, energy.milliwattHours) }
                default:
                    break
                }
            }
            if lastSlot != nil { break }
        }
        let fresh = SlotAggregator(clock: clock, maximumCatchUp: maximumCatchUp)
        guard let slot = lastSlot, let end = slot.endEnergyMilliwattHours, !untrusted else { return Outcome(aggregator: fresh) }
        guard slot.slotIndex <= UInt64(Int64.max), clock.start(of: Int64(slot.slotIndex)) == slot.slotStart else {
            return Outcome(aggregator: fresh, clockChange: "the journal's last slot, \(slot.slotIndex) from \(slot.slotStart), is not a slot of "
                           + "the agreement's clock (slots of \(clock.length) s from \(clock.origin)); a new slot series starts")
        }
        return Outcome(aggregator: SlotAggregator(clock: clock, maximumCatchUp: maximumCatchUp, resumingAfter: Int64(slot.slotIndex),
                                                  endEnergy: end, lastReading: lastReading))
    }

    /// Closed slots in the newest segments, for the batch submitter to resend what the contract lacks.
    static func closedSlots(journal: Journal) throws -> [SlotClosed] {
        var slots: [SlotClosed] = []
        let segments = journal.segmentSummaries().filter { !$0.damaged }.suffix(2)
        guard let first = segments.first?.firstSequence else { return [] }
        try journal.reader.forEach(RecordFilter(kinds: [.slotClosed], fromSequence: first)) { record in
            if case .slotClosed(let slot) = record.payload { slots.append(slot) }
        }
        return slots
    }
}
