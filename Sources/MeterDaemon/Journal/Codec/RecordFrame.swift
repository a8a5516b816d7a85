import ChainClient
import FoundationEssentials

/// One framed record as stored: length (u32, of the body), CRC-32C (u32, of the body), then the body:
/// type (u8), flags (u8), sequence (u64), timestamp (i64 µs), payload. All little-endian.
///
/// Pure functions over bytes; the chain hash of a record is keccak-256(previous hash ‖ body).
enum RecordFrame {
    static let prefixSize = 8
    static let bodyHeaderSize = 18
    /// No record is this large; a length above it is damage, not a record.
    static let maximumBodySize = 1 << 20

    enum Flags {
        static let clockUnsynchronised: UInt8 = 0x01
        static let known: UInt8 = 0x01
    }

    static func body(kind: RecordKind, sequence: UInt64, time: Date, clockSynchronised: Bool, payload: [UInt8]) -> [UInt8] {
        var out = ByteWriter()
        out.bytes.reserveCapacity(bodyHeaderSize + payload.count)
        out.u8(kind.rawValue)
        out.u8(clockSynchronised ? 0 : Flags.clockUnsynchronised)
        out.u64(sequence)
        out.i64(Timestamp.microseconds(time))
        out.raw(payload)
        return out.bytes
    }

    static func frame(body: [UInt8]) -> [UInt8] {
        var out = ByteWriter()
        out.bytes.reserveCapacity(prefixSize + body.count)
        out.u32(UInt32(body.count))
        out.u32(CRC32C.checksum(body))
        out.raw(body)
        return out.bytes
    }

    static func chainHash(previous: [UInt8], body: ArraySlice<UInt8>) -> [UInt8] {
        var hasher = Keccak256()
        hasher.update(previous)
        hasher.update(body)
        return hasher.finalize()
    }

    /// What a checkpoint signs: a domain tag, the sequence and the hash of the record it covers.
    static func checkpointDigest(sequence: UInt64, headHash: [UInt8]) -> [UInt8] {
        var out = ByteWriter()
        out.raw(Array("meterd journal checkpoint v1".utf8))
        out.u64(sequence)
        out.raw(headHash)
        return Keccak256.hash(out.bytes)
    }

    enum Parse: Equatable {
        /// A whole, checksummed frame: its body is `bytes[bodyRange]`.
        case frame(bodyRange: Range<Int>, end: Int)
        /// Fewer bytes remain than the frame needs.
        case incomplete
        /// The length is zero or implausible.
        case badLength(UInt32)
        case badChecksum
    }

    /// Parses the frame starting at `offset`; does not decode the body.
    static func parse(_ bytes: [UInt8], at offset: Int) -> Parse {
        guard bytes.count - offset >= prefixSize else { return .incomplete }
        var prefix = ByteReader(bytes[offset..<(offset + prefixSize)])
        let length = (try? prefix.u32()) ?? 0
        let checksum = (try? prefix.u32()) ?? 0
        guard length >= UInt32(bodyHeaderSize), length <= UInt32(maximumBodySize) else { return .badLength(length) }
        let start = offset + prefixSize
        let end = start + Int(length)
        guard end <= bytes.count else { return .incomplete }
        guard CRC32C.checksum(bytes[start..<end]) == checksum else { return .badChecksum }
        return .frame(bodyRange: start..<end, end: end)
    }

    struct Body: Equatable {
        var kind: UInt8
        var flags: UInt8
        var sequence: UInt64
        var time: Date
        var payload: ArraySlice<UInt8>
    }

    static func splitBody(_ body: ArraySlice<UInt8>) throws -> Body {
        var input = ByteReader(body)
        let kind = try input.u8()
        let flags = try input.u8()
        let sequence = try input.u64()
        let time = Timestamp.date(try input.i64())
        return Body(kind: kind, flags: flags, sequence: sequence, time: time, payload: body[input.position...])
    }

    /// Decodes a body into a record (the hash is supplied by the caller, who keeps the chain).
    static func decode(_ body: ArraySlice<UInt8>, hash: [UInt8]) throws -> JournalRecord {
        let parts = try splitBody(body)
        guard parts.flags & ~Flags.known == 0 else { throw MeterdError.malformedPayload(RecordKind(rawValue: parts.kind) ?? .reading, "unknown flags \(parts.flags)") }
        var payload = try PayloadCodec.decode(kind: parts.kind, parts.payload)
        if case .reading(var reading) = payload {
            reading.time = parts.time
            payload = .reading(reading)
        }
        return JournalRecord(sequence: parts.sequence, time: parts.time,
                             clockSynchronised: parts.flags & Flags.clockUnsynchronised == 0, payload: payload, hash: hash)
    }
}
