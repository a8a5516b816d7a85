import FoundationEssentials

/// The closed slots the journal holds, as the batch submitter reads them from its own cursor: first
/// from the segment that closed the slot the contract expects next (going back through as many
/// segments as that takes, so every slot journaled while the node was away goes out measured), then
/// following the journal as the pipeline closes more.
struct ClosedSlotFeed {
    struct Slot: Equatable {
        var slot: SlotClosed
        /// When it was journaled: a batch waits at most `batch_max_wait_seconds` after its oldest slot.
        var journaledAt: Date
    }

    private let journal: Journal
    private var tail: JournalTail?
    private var positionedFor: UInt64?

    init(journal: Journal) {
        self.journal = journal
    }

    /// The slots journaled since the last call. The first call, and a call for a slot before the one
    /// the feed was positioned for (the contract went back: a reorganisation), read from the segment
    /// that closed `slot`.
    mutating func newSlots(from slot: UInt64) throws -> [Slot] {
        if tail == nil || positionedFor.map({ slot < $0 }) ?? true {
            tail = JournalTail(directory: journal.directory, kinds: [.slotClosed], segment: try Self.segment(closing: slot, in: journal.directory))
            positionedFor = slot
        }
        return try tail!.read(through: journal.head.sequence).compactMap { record in
            guard case .slotClosed(let slot) = record.payload else { return nil }
            return Slot(slot: slot, journaledAt: record.time)
        }
    }

    /// The newest segment that closed a slot at or before `slot` (nil: read from the oldest).
    static func segment(closing slot: UInt64, in directory: String) throws -> String? {
        for name in try FileIO.segmentNames(in: directory).reversed() {
            var tail = JournalTail(directory: directory, kinds: [.slotClosed], segment: name)
            let slots = try tail.readSegment().compactMap { record -> UInt64? in
                if case .slotClosed(let closed) = record.payload { closed.slotIndex } else { nil }
            }
            if slots.contains(where: { $0 <= slot }) { return name }
        }
        return nil
    }
}
