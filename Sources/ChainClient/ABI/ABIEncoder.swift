/// The Solidity ABI's encoding: a head of static values and offsets, then the dynamic values' tails.
enum ABIEncoder {
    /// Encodes `values` as the tuple `types` (a call's arguments, a return value, event data).
    static func encode(_ values: [ABIValue], as types: [ABIType]) throws(ChainClientError) -> [UInt8] {
        guard values.count == types.count else {
            throw .valueDoesNotMatchType(type: "\(ABIType.tuple(types))", value: "\(values.count) values")
        }
        let headSize = types.reduce(0) { $0 + $1.headSize }
        var head: [UInt8] = []
        var tail: [UInt8] = []
        head.reserveCapacity(headSize)
        for (value, type) in zip(values, types) {
            if type.isDynamic {
                head += Word256(UInt64(headSize + tail.count)).bytes
                tail += try encodeOne(value, as: type)
            } else {
                head += try encodeOne(value, as: type)
            }
        }
        return head + tail
    }

    static func encodeOne(_ value: ABIValue, as type: ABIType) throws(ChainClientError) -> [UInt8] {
        switch (type, value) {
        case (.uint(let bits), .uint(let word)):
            guard word.bitLength <= bits else { throw .valueOutOfRange(type: "\(type)", value: "\(word)") }
            return word.bytes
        case (.int(let bits), .int(let word)):
            guard word.fitsSigned(bits: bits) else { throw .valueOutOfRange(type: "\(type)", value: Hex.encode(word.bytes)) }
            return word.bytes
        case (.address, .address(let address)):
            return [UInt8](repeating: 0, count: 12) + address.bytes
        case (.bool, .bool(let flag)):
            return Word256(UInt8(flag ? 1 : 0)).bytes
        case (.fixedBytes(let size), .fixedBytes(let bytes)):
            guard bytes.count == size else { throw .valueDoesNotMatchType(type: "\(type)", value: Hex.encode(bytes)) }
            return padRight(bytes)
        case (.bytes, .bytes(let bytes)):
            return Word256(UInt64(bytes.count)).bytes + padRight(bytes)
        case (.string, .string(let text)):
            let bytes = Array(text.utf8)
            return Word256(UInt64(bytes.count)).bytes + padRight(bytes)
        case (.array(let element), .array(let items)):
            return Word256(UInt64(items.count)).bytes + (try encode(items, as: Array(repeating: element, count: items.count)))
        case (.fixedArray(let element, let count), .array(let items)):
            guard items.count == count else { throw .valueDoesNotMatchType(type: "\(type)", value: "\(items.count) elements") }
            return try encode(items, as: Array(repeating: element, count: count))
        case (.tuple(let members), .tuple(let items)):
            return try encode(items, as: members)
        default:
            throw .valueDoesNotMatchType(type: "\(type)", value: "\(value)")
        }
    }

    private static func padRight(_ bytes: [UInt8]) -> [UInt8] {
        let remainder = bytes.count % 32
        return remainder == 0 ? bytes : bytes + [UInt8](repeating: 0, count: 32 - remainder)
    }
}
