/// Reads what `ByteWriter` wrote; every read checks bounds and throws `.truncated` instead of trapping.
struct ByteReader {
    let bytes: ArraySlice<UInt8>
    private(set) var position: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.position = bytes.startIndex
    }

    init(_ bytes: [UInt8]) { self.init(bytes[...]) }

    var isAtEnd: Bool { position == bytes.endIndex }
    var remaining: Int { bytes.endIndex - position }

    mutating func u8() throws -> UInt8 {
        guard position < bytes.endIndex else { throw MeterdError.truncated }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func u32() throws -> UInt32 { try littleEndian() }

    mutating func u64() throws -> UInt64 { try littleEndian() }

    private mutating func littleEndian<Value: FixedWidthInteger>() throws -> Value {
        let size = Value.bitWidth / 8
        guard remaining >= size else { throw MeterdError.truncated }
        var value: Value = 0
        for index in 0..<size { value |= Value(bytes[position + index]) << (8 * index) }
        position += size
        return value
    }

    mutating func i64() throws -> Int64 { Int64(bitPattern: try u64()) }

    mutating func varint() throws -> UInt64 {
        var value: UInt64 = 0
        for shift in stride(from: 0, to: 70, by: 7) {
            let byte = try u8()
            if shift == 63 && byte > 1 { throw MeterdError.overlongVarint }
            value |= UInt64(byte & 0x7F) << UInt64(shift)
            if byte & 0x80 == 0 { return value }
        }
        throw MeterdError.overlongVarint
    }

    mutating func signedVarint() throws -> Int64 {
        let raw = try varint()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    mutating func raw(_ count: Int) throws -> [UInt8] {
        guard count >= 0, remaining >= count else { throw MeterdError.truncated }
        defer { position += count }
        return Array(bytes[position..<(position + count)])
    }

    mutating func string() throws -> String {
        let length = try varint()
        guard length <= UInt64(remaining) else { throw MeterdError.truncated }
        let utf8 = try raw(Int(length))
        guard let text = String(validating: utf8, as: UTF8.self) else { throw MeterdError.invalidUTF8 }
        return text
    }
}
