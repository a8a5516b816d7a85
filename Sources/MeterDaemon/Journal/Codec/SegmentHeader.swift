import FoundationEssentials

/// The fixed 68-byte header at the start of every segment file.
///
/// magic "MDJOURNL" (8) · format version u32 · reserved u32 (0) · first sequence u64 · start hash (32,
/// the chain hash of the record before the first one; zeros for a new journal) · created i64 µs ·
/// CRC-32C u32 of the preceding 64 bytes. The start hash lets a segment be verified on its own once
/// older segments have been removed by retention.
struct SegmentHeader: Sendable, Equatable {
    static let size = 68
    static let formatVersion: UInt32 = 1
    static let magic = Array("MDJOURNL".utf8)

    var firstSequence: UInt64
    var startHash: [UInt8]
    var created: Date

    init(firstSequence: UInt64, startHash: [UInt8], created: Date) {
        self.firstSequence = firstSequence
        self.startHash = startHash
        self.created = created
    }

    func encoded() -> [UInt8] {
        var out = ByteWriter()
        out.raw(Self.magic)
        out.u32(Self.formatVersion)
        out.u32(0)
        out.u64(firstSequence)
        out.raw(startHash)
        out.i64(Timestamp.microseconds(created))
        out.u32(CRC32C.checksum(out.bytes))
        return out.bytes
    }

    static func decode(_ bytes: [UInt8]) throws -> SegmentHeader {
        guard bytes.count >= size else { throw MeterdError.segmentHeaderTooShort(bytes.count) }
        guard Array(bytes[0..<8]) == magic else { throw MeterdError.notASegment }
        var input = ByteReader(bytes[0..<size])
        _ = try input.raw(8)
        let version = try input.u32()
        _ = try input.u32()
        let first = try input.u64()
        let start = try input.raw(32)
        let created = Timestamp.date(try input.i64())
        let checksum = try input.u32()
        guard CRC32C.checksum(bytes[0..<(size - 4)]) == checksum else { throw MeterdError.segmentHeaderChecksum }
        guard version == formatVersion else { throw MeterdError.unsupportedSegmentVersion(version) }
        guard first >= 1, first < UInt64.max else { throw MeterdError.badFirstSequence(first) }
        return SegmentHeader(firstSequence: first, startHash: start, created: created)
    }

    /// Segment files are named after their first sequence number, so names sort in chain order.
    static func fileName(firstSequence: UInt64) -> String {
        firstSequence.paddedHex(width: 16) + ".seg"
    }

    /// The first sequence a segment's file name stands for (nil for a name not made by `fileName`).
    static func firstSequence(ofFileName name: String) -> UInt64? {
        name.count == 20 && name.hasSuffix(".seg") ? UInt64(name.prefix(16), radix: 16) : nil
    }
}
