"""Encoding of the contract's packed arguments, shared by tests, the benchmark and electro-admin.

Consumption: each slot is an unsigned 32-bit Wh value; eight values fill one 32-byte word,
the first slot in the most significant (leftmost) four bytes, i.e. the words are the
big-endian uint32 values concatenated and zero-padded to a multiple of 32 bytes.
UNMEASURED (0xFFFFFFFF) marks a slot the meter could not measure.

Profile: for each profile slot a big-endian uint32 minimum then a big-endian uint32
maximum (8 bytes a slot), concatenated, unpadded.
"""

UNMEASURED = 0xFFFFFFFF


def pack_consumption(values):
    """Returns the list of uint256 words for submit_batch's `packed` argument."""
    for v in values:
        if not 0 <= v <= UNMEASURED:
            raise ValueError(f"consumption {v} does not fit in uint32")
    raw = b"".join(v.to_bytes(4, "big") for v in values)
    raw += b"\x00" * (-len(raw) % 32)
    return [int.from_bytes(raw[i:i + 32], "big") for i in range(0, len(raw), 32)]


def unpack_consumption(words, count):
    raw = b"".join(w.to_bytes(32, "big") for w in words)
    return [int.from_bytes(raw[4 * i:4 * i + 4], "big") for i in range(count)]


def pack_profile(pairs):
    """pairs: [(min_wh, max_wh), ...] -> bytes for propose_agreement's `profile`."""
    out = bytearray()
    for lo, hi in pairs:
        out += int(lo).to_bytes(4, "big") + int(hi).to_bytes(4, "big")
    return bytes(out)


def unpack_profile(data):
    return [
        (int.from_bytes(data[i:i + 4], "big"), int.from_bytes(data[i + 4:i + 8], "big"))
        for i in range(0, len(data), 8)
    ]


# BatchSubmitted's `batch` word: (field, lowest bit, width in bits), as the contract packs it.
BATCH_FIELDS = (("batch_seq", 0, 32), ("first_slot", 32, 40), ("slot_count", 72, 16),
                ("violations", 88, 16), ("unmeasured", 104, 16))


def unpack_batch(word):
    """BatchSubmitted's `batch` word -> {batch_seq, first_slot, slot_count, violations, unmeasured}."""
    return {name: (word >> shift) & ((1 << bits) - 1) for name, shift, bits in BATCH_FIELDS}
