/// The counters of a `BatchSubmitted` event, packed by the contract into its one `batch` word
/// (contracts/README.md, Events): batch_seq (bits 0..31) | first_slot (32..71) | slot_count (72..87)
/// | violations (88..103) | unmeasured (104..119). A word with any higher bit set is refused, not masked.
struct PackedBatchCounters: Equatable {
    let batchSeq: UInt64
    let firstSlot: UInt64
    let slotCount: UInt64
    let violations: UInt64
    let unmeasured: UInt64

    init(_ word: Word256) throws(ChainClientError) {
        guard word.bitLength <= 120 else { throw .valueOutOfRange(type: "BatchSubmitted.batch (120 bits)", value: Hex.encode(word.bytes)) }
        let packed: UInt128 = try word.unsigned()
        func field(_ shift: Int, _ bits: Int) -> UInt64 { UInt64(truncatingIfNeeded: packed >> shift) & (1 << bits - 1) }
        batchSeq = field(0, 32)
        firstSlot = field(32, 40)
        slotCount = field(72, 16)
        violations = field(88, 16)
        unmeasured = field(104, 16)
    }
}
