import ChainClient
import FoundationEssentials

/// The closed slots the contract does not have yet, and which batch of them is due: the batch
/// submitter's decisions as a value, without a chain or a journal.
struct WaitingSlots {
    struct Entry: Equatable {
        var wattHours: Int64?
        var closedAt: Date
    }

    /// A batch to send: its first slot and each slot's value on the wire.
    struct Batch: Equatable {
        var firstSlot: UInt64
        var values: [UInt32]
    }

    private var entries: [UInt64: Entry] = [:]

    var count: Int { entries.count }

    mutating func add(slot: UInt64, wattHours: Int64?, closedAt: Date) {
        entries[slot] = Entry(wattHours: wattHours, closedAt: closedAt)
    }

    /// Forgets the slots before `slot`: the contract has them.
    mutating func drop(before slot: UInt64) {
        entries = entries.filter { $0.key >= slot }
    }

    mutating func remove(_ slots: Range<UInt64>) {
        for slot in slots { entries[slot] = nil }
    }

    /// The batch from `nextSlot` on, once `batchSlots` slots wait or the oldest of them has waited
    /// `maxWait` seconds; nil while nothing is due. Nothing closed yet is nothing due (slot 0 of a
    /// new period must not go out unmeasured at once). A slot no record will ever close (meterd was
    /// not running, or the clock was not synchronised, before a later slot closed) goes out as
    /// unmeasured, so the batches never stall on it.
    func due(from nextSlot: UInt64, batchSlots: Int, maxWait: Double, now: Date) -> Batch? {
        guard let newest = entries.keys.max(), newest >= nextSlot else { return nil }
        let count = Int(min(newest - nextSlot + 1, UInt64(min(batchSlots, AgreementBinding.maximumBatchSlots))))
        let slots = nextSlot..<(nextSlot + UInt64(count))
        let oldest = slots.compactMap { entries[$0]?.closedAt }.min()
        guard count >= batchSlots || now.timeIntervalSince(oldest ?? .distantPast) >= maxWait else { return nil }
        return Batch(firstSlot: nextSlot, values: slots.map { AgreementBinding.slotValue(wattHours: entries[$0]?.wattHours) })
    }
}
