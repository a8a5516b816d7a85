import Drivers
import Foundation

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
}
