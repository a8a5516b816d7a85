/// The Solidity ABI types meterd encodes and decodes, written as in a canonical signature.
indirect enum ABIType: Sendable, Hashable, CustomStringConvertible {
    case uint(Int)
    case int(Int)
    case address
    case bool
    case bytes
    case fixedBytes(Int)
    case string
    case array(ABIType)
    case fixedArray(ABIType, Int)
    case tuple([ABIType])

    /// Parses a canonical type name: `uint64`, `bytes32`, `uint256[]`, `address[3]`, `(uint8,bool)[]`.
    init(_ text: String) throws(ChainClientError) {
        if text.hasSuffix("]"), let open = text.lastIndex(of: "[") {
            let element = try ABIType(String(text[..<open]))
            let inside = text[text.index(after: open)..<text.index(before: text.endIndex)]
            if inside.isEmpty { self = .array(element); return }
            guard let count = Int(inside), count > 0 else { throw .unknownType(text) }
            self = .fixedArray(element, count)
            return
        }
        if text.hasPrefix("("), text.hasSuffix(")") {
            self = .tuple(try Self.splitTuple(String(text.dropFirst().dropLast())).map { (part) throws(ChainClientError) in try ABIType(part) })
            return
        }
        switch text {
        case "address": self = .address
        case "bool": self = .bool
        case "bytes": self = .bytes
        case "string": self = .string
        default:
            if let bits = Self.width(text, prefix: "uint") { self = .uint(bits) }
            else if let bits = Self.width(text, prefix: "int") { self = .int(bits) }
            else if text.hasPrefix("bytes"), let size = Int(text.dropFirst(5)), (1...32).contains(size) { self = .fixedBytes(size) }
            else { throw .unknownType(text) }
        }
    }

    private static func width(_ text: String, prefix: String) -> Int? {
        guard text.hasPrefix(prefix) else { return nil }
        let rest = text.dropFirst(prefix.count)
        if rest.isEmpty { return 256 }
        guard let bits = Int(rest), bits % 8 == 0, (8...256).contains(bits) else { return nil }
        return bits
    }

    private static func splitTuple(_ body: String) throws(ChainClientError) -> [String] {
        guard !body.isEmpty else { return [] }
        var parts: [String] = []
        var depth = 0
        var current = ""
        for character in body {
            switch character {
            case "(": depth += 1; current.append(character)
            case ")": depth -= 1; current.append(character)
            case "," where depth == 0: parts.append(current); current = ""
            default: current.append(character)
            }
        }
        parts.append(current)
        return parts
    }

    var description: String {
        switch self {
        case .uint(let bits): return "uint\(bits)"
        case .int(let bits): return "int\(bits)"
        case .address: return "address"
        case .bool: return "bool"
        case .bytes: return "bytes"
        case .fixedBytes(let size): return "bytes\(size)"
        case .string: return "string"
        case .array(let element): return "\(element)[]"
        case .fixedArray(let element, let count): return "\(element)[\(count)]"
        case .tuple(let members): return "(" + members.map(\.description).joined(separator: ",") + ")"
        }
    }

    /// Dynamic types are encoded out of line, behind an offset.
    var isDynamic: Bool {
        switch self {
        case .bytes, .string, .array: return true
        case .fixedArray(let element, _): return element.isDynamic
        case .tuple(let members): return members.contains(where: \.isDynamic)
        default: return false
        }
    }

    /// Bytes taken in the head of the enclosing tuple.
    var headSize: Int {
        if isDynamic { return 32 }
        switch self {
        case .fixedArray(let element, let count): return element.headSize * count
        case .tuple(let members): return members.reduce(0) { $0 + $1.headSize }
        default: return 32
        }
    }
}

/// A value of an `ABIType`.
indirect enum ABIValue: Sendable, Hashable {
    case uint(Word256)
    case int(Word256)
    case address(Address)
    case bool(Bool)
    case bytes([UInt8])
    case fixedBytes([UInt8])
    case string(String)
    /// Elements of a dynamic or fixed-size array.
    case array([ABIValue])
    case tuple([ABIValue])

    static func uint<T: FixedWidthInteger & UnsignedInteger>(_ value: T) -> ABIValue { .uint(Word256(value)) }
    static func int<T: FixedWidthInteger & SignedInteger>(_ value: T) -> ABIValue { .int(Word256(signed: value)) }

    func word() throws(ChainClientError) -> Word256 {
        switch self {
        case .uint(let word), .int(let word): return word
        default: throw .valueDoesNotMatchType(type: "integer", value: "\(self)")
        }
    }

    func address() throws(ChainClientError) -> Address {
        guard case .address(let value) = self else { throw .valueDoesNotMatchType(type: "address", value: "\(self)") }
        return value
    }

    func bool() throws(ChainClientError) -> Bool {
        guard case .bool(let value) = self else { throw .valueDoesNotMatchType(type: "bool", value: "\(self)") }
        return value
    }

    func byteString() throws(ChainClientError) -> [UInt8] {
        switch self {
        case .bytes(let value), .fixedBytes(let value): return value
        default: throw .valueDoesNotMatchType(type: "bytes", value: "\(self)")
        }
    }

    func string() throws(ChainClientError) -> String {
        guard case .string(let value) = self else { throw .valueDoesNotMatchType(type: "string", value: "\(self)") }
        return value
    }

    func elements() throws(ChainClientError) -> [ABIValue] {
        switch self {
        case .array(let values), .tuple(let values): return values
        default: throw .valueDoesNotMatchType(type: "array or tuple", value: "\(self)")
        }
    }
}
