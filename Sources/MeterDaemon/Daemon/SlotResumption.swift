import Drivers
import FoundationEssentials

/// Where slot aggregation stands according to the journal: the last closed slot with its boundary
/// value, and the settlement meter's last reading after it. Only the newest segments are read.
enum SlotResumption {
    static func aggregator(clock: SlotClock, journal: Journal, meter: String) throws -> SlotAggregator {
        var lastSlot: SlotClosed?
        var lastReading: (Date, Int64)?
        let segments = journal.segmentSummaries().filter { !$0.damaged }
        for segment in segments.reversed() {
            guard let first = segment.firstSequence else { continue }
            try journal.reader.forEach(RecordFilter(kinds: [.slotClosed, .reading], fromSequence: first)) { record in
                switch record.payload {
                case .slotClosed(let slot) where slot.endEnergyMilliwattHours != nil:
                    lastSlot = slot
                    lastReading = nil
                case .reading(let reading) where reading.meter == meter:
                    if let energy = reading.energy[.importActiveEnergy] { lastReading = (reading.time, energy.milliwattHours) }
                default:
                    break
                }
            }
            if lastSlot != nil { break }
        }
        guard let slot = lastSlot, let end = slot.endEnergyMilliwattHours else { return SlotAggregator(clock: clock) }
        return SlotAggregator(clock: clock, resumingAfter: Int64(slot.slotIndex), endEnergy: end, lastReading: lastReading)
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
