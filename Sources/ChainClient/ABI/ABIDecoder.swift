/// Decodes ABI data strictly: every offset and length is checked against the data before anything is
/// allocated, padding must be zero and values must fit their declared width, so hostile return data
/// gives a `ChainClientError` of group `.abi`, never a trap or a huge allocation.
enum ABIDecoder {
    static func decode(_ data: [UInt8], as types: [ABIType]) throws(ChainClientError) -> [ABIValue] {
        try decodeTuple(data, base: 0, types: types, depth: 0)
    }

    static let maximumDepth = 16

    private static func decodeTuple(_ data: [UInt8], base: Int, types: [ABIType], depth: Int) throws(ChainClientError) -> [ABIValue] {
        guard depth < maximumDepth else { throw .unknownType("ABI nesting deeper than \(maximumDepth)") }
        var values: [ABIValue] = []
        values.reserveCapacity(types.count)
        var cursor = base
        for type in types {
            if type.isDynamic {
                let offset = try readLength(data, at: cursor, type: type)
                guard offset <= data.count - base else { throw .offsetOutOfBounds(type: "\(type)", offset: offset) }
                values.append(try decodeOne(data, at: base + offset, type: type, depth: depth))
            } else {
                values.append(try decodeOne(data, at: cursor, type: type, depth: depth))
            }
            cursor += type.headSize
        }
        return values
    }

    private static func word(_ data: [UInt8], at offset: Int, type: ABIType) throws(ChainClientError) -> ArraySlice<UInt8> {
        guard offset >= 0, offset <= data.count, data.count - offset >= 32 else {
            throw .truncated(type: "\(type)", offset: offset, needed: 32, available: max(0, data.count - offset))
        }
        return data[offset..<(offset + 32)]
    }

    /// An offset or a length: a uint256 that must be small enough to index the data.
    private static func readLength(_ data: [UInt8], at offset: Int, type: ABIType) throws(ChainClientError) -> Int {
        let bytes = try word(data, at: offset, type: type)
        guard bytes.prefix(28).allSatisfy({ $0 == 0 }) else { throw .lengthTooLarge(type: "\(type)", length: Int.max) }
        var value = 0
        for byte in bytes.suffix(4) { value = value << 8 | Int(byte) }
        return value
    }

    private static func decodeOne(_ data: [UInt8], at offset: Int, type: ABIType, depth: Int) throws(ChainClientError) -> ABIValue {
        switch type {
        case .uint(let bits):
            let value = Word256(unchecked: Array(try word(data, at: offset, type: type)))
            guard value.bitLength <= bits else { throw .badPadding(type: "\(type)", offset: offset) }
            return .uint(value)
        case .int(let bits):
            let value = Word256(unchecked: Array(try word(data, at: offset, type: type)))
            guard value.fitsSigned(bits: bits) else { throw .badPadding(type: "\(type)", offset: offset) }
            return .int(value)
        case .address:
            let bytes = try word(data, at: offset, type: type)
            guard bytes.prefix(12).allSatisfy({ $0 == 0 }) else { throw .badPadding(type: "address", offset: offset) }
            return .address(Address(unchecked: Array(bytes.suffix(20))))
        case .bool:
            let bytes = try word(data, at: offset, type: type)
            guard bytes.prefix(31).allSatisfy({ $0 == 0 }), bytes.last! <= 1 else { throw .badPadding(type: "bool", offset: offset) }
            return .bool(bytes.last! == 1)
        case .fixedBytes(let size):
            let bytes = try word(data, at: offset, type: type)
            guard bytes.suffix(32 - size).allSatisfy({ $0 == 0 }) else { throw .badPadding(type: "\(type)", offset: offset) }
            return .fixedBytes(Array(bytes.prefix(size)))
        case .bytes, .string:
            let length = try readLength(data, at: offset, type: type)
            let start = offset + 32
            guard length <= data.count - start else { throw .lengthTooLarge(type: "\(type)", length: length) }
            let bytes = Array(data[start..<(start + length)])
            if case .bytes = type { return .bytes(bytes) }
            guard let text = String(validating: bytes, as: UTF8.self) else { throw .invalidUTF8(offset: start) }
            return .string(text)
        case .array(let element):
            let count = try readLength(data, at: offset, type: type)
            let start = offset + 32
            // Every element takes at least one head word: a count beyond that cannot be real.
            guard count <= (data.count - start) / 32 else { throw .lengthTooLarge(type: "\(type)", length: count) }
            return .array(try decodeTuple(data, base: start, types: Array(repeating: element, count: count), depth: depth + 1))
        case .fixedArray(let element, let count):
            guard count <= data.count / 32 else { throw .lengthTooLarge(type: "\(type)", length: count) }
            return .array(try decodeInner(data, at: offset, types: Array(repeating: element, count: count), type: type, depth: depth))
        case .tuple(let members):
            return .tuple(try decodeInner(data, at: offset, types: members, type: type, depth: depth))
        }
    }

    /// A tuple's offsets count from its own start, inline (static) or behind an offset (dynamic).
    private static func decodeInner(_ data: [UInt8], at offset: Int, types: [ABIType], type: ABIType, depth: Int) throws(ChainClientError) -> [ABIValue] {
        guard offset <= data.count else { throw .offsetOutOfBounds(type: "\(type)", offset: offset) }
        return try decodeTuple(data, base: offset, types: types, depth: depth + 1)
    }
}
