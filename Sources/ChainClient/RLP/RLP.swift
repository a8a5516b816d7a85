/// Recursive Length Prefix, Ethereum's serialisation of transactions: an item is a byte string or a
/// list of items (Yellow Paper, appendix B).
indirect enum RLPItem: Sendable, Equatable {
    case bytes([UInt8])
    case list([RLPItem])

    /// An unsigned integer as RLP writes it: big-endian, no leading zero bytes (zero is the empty string).
    static func uint<T: FixedWidthInteger & UnsignedInteger>(_ value: T) -> RLPItem {
        .bytes(BigEndian.minimal(value))
    }

    var encoded: [UInt8] {
        var out: [UInt8] = []
        RLP.encode(self, into: &out)
        return out
    }
}

enum RLP {
    static func encode(_ item: RLPItem, into out: inout [UInt8]) {
        switch item {
        case .bytes(let bytes):
            if bytes.count == 1, bytes[0] < 0x80 {
                out.append(bytes[0])
            } else {
                header(count: bytes.count, short: 0x80, into: &out)
                out.append(contentsOf: bytes)
            }
        case .list(let items):
            var body: [UInt8] = []
            for child in items { encode(child, into: &body) }
            header(count: body.count, short: 0xC0, into: &out)
            out.append(contentsOf: body)
        }
    }

    private static func header(count: Int, short: UInt8, into out: inout [UInt8]) {
        if count < 56 {
            out.append(short + UInt8(count))
        } else {
            let length = BigEndian.minimal(UInt64(count))
            out.append(short + 55 + UInt8(length.count))
            out.append(contentsOf: length)
        }
    }

    /// Decodes exactly one item filling all of `data`; refuses every non-canonical form.
    static func decode(_ data: [UInt8]) throws(ChainClientError) -> RLPItem {
        var position = 0
        let item = try decodeItem(data, &position, end: data.count, depth: 0)
        guard position == data.count else { throw .rlpTrailingBytes(data.count - position) }
        return item
    }

    static let maximumDepth = 64

    private static func decodeItem(_ data: [UInt8], _ position: inout Int, end: Int, depth: Int) throws(ChainClientError) -> RLPItem {
        guard depth < maximumDepth else { throw .rlpExpected("nested less than \(maximumDepth) deep") }
        guard position < end else { throw .rlpTruncated }
        let prefix = data[position]
        position += 1
        switch prefix {
        case 0x00..<0x80:
            return .bytes([prefix])
        case 0x80..<0xB8, 0xB8..<0xC0:
            let count = try length(data, &position, end: end, prefix: prefix, short: 0x80)
            let bytes = Array(data[position..<(position + count)])
            position += count
            if count == 1, bytes[0] < 0x80 { throw .rlpSingleByteEncodedAsString }
            return .bytes(bytes)
        default:
            let count = try length(data, &position, end: end, prefix: prefix, short: 0xC0)
            let listEnd = position + count
            var items: [RLPItem] = []
            while position < listEnd { items.append(try decodeItem(data, &position, end: listEnd, depth: depth + 1)) }
            return .list(items)
        }
    }

    /// Reads the payload length after `prefix` and checks that the payload fits before `end`.
    private static func length(_ data: [UInt8], _ position: inout Int, end: Int, prefix: UInt8, short: UInt8) throws(ChainClientError) -> Int {
        var count: Int
        if prefix < short + 56 {
            count = Int(prefix - short)
        } else {
            let lengthBytes = Int(prefix - short - 55)
            guard end - position >= lengthBytes else { throw .rlpTruncated }
            guard data[position] != 0, lengthBytes <= 4 else { throw lengthBytes > 4 ? .rlpTruncated : .rlpNonCanonicalSize }
            count = 0
            for byte in data[position..<(position + lengthBytes)] { count = count << 8 | Int(byte) }
            position += lengthBytes
            guard count >= 56 else { throw .rlpNonCanonicalSize }
        }
        guard end - position >= count else { throw .rlpTruncated }
        return count
    }
}

extension RLPItem {
    func bytesValue() throws(ChainClientError) -> [UInt8] {
        guard case .bytes(let bytes) = self else { throw .rlpExpected("a byte string") }
        return bytes
    }

    func listValue() throws(ChainClientError) -> [RLPItem] {
        guard case .list(let items) = self else { throw .rlpExpected("a list") }
        return items
    }

    func uintValue<T: FixedWidthInteger & UnsignedInteger>(_ type: T.Type = T.self) throws(ChainClientError) -> T {
        let bytes = try bytesValue()
        if bytes.first == 0 { throw .rlpLeadingZeroInInteger }
        guard bytes.count <= T.bitWidth / 8 else { throw .rlpIntegerTooLarge(bits: T.bitWidth) }
        var value: T = 0
        for byte in bytes { value = value << 8 | T(byte) }
        return value
    }
}

/// Big-endian byte strings of integers.
enum BigEndian {
    /// Without leading zero bytes; zero is the empty array.
    static func minimal<T: FixedWidthInteger & UnsignedInteger>(_ value: T) -> [UInt8] {
        var bytes: [UInt8] = []
        var rest = value
        while rest != 0 {
            bytes.append(UInt8(truncatingIfNeeded: rest))
            rest >>= 8
        }
        return bytes.reversed()
    }

    static func padded<T: FixedWidthInteger & UnsignedInteger>(_ value: T, to size: Int) -> [UInt8] {
        let bytes = minimal(value)
        return [UInt8](repeating: 0, count: max(0, size - bytes.count)) + bytes
    }
}
