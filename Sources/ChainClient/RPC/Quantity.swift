/// Reading the hex quantities and data of JSON-RPC results, with a typed error for anything else.
extension JSONValue {
    func quantity<T: FixedWidthInteger & UnsignedInteger>(_ type: T.Type = T.self, _ what: String) throws(ChainClientError) -> T {
        guard case .string(let text) = self, text.hasPrefix("0x"), text.utf8.count > 2 else {
            throw ChainClientError.malformed("\(what) is not a hex quantity: \(self.brief)")
        }
        let digits = text.dropFirst(2)
        guard digits.utf8.count <= T.bitWidth / 4 || digits.drop(while: { $0 == "0" }).utf8.count <= T.bitWidth / 4,
              let value = T(digits.drop(while: { $0 == "0" }).isEmpty ? "0" : String(digits.drop(while: { $0 == "0" })), radix: 16) else {
            throw ChainClientError.malformed("\(what) is not a hex quantity that fits \(T.bitWidth) bits: \(self.brief)")
        }
        return value
    }

    func data(_ what: String, size: Int? = nil) throws(ChainClientError) -> [UInt8] {
        guard case .string(let text) = self, text.hasPrefix("0x"), let bytes = try? Hex.decode(text) else {
            throw ChainClientError.malformed("\(what) is not hex data: \(self.brief)")
        }
        if let size, bytes.count != size { throw ChainClientError.malformed("\(what) must be \(size) bytes, found \(bytes.count)") }
        return bytes
    }

    func address(_ what: String) throws(ChainClientError) -> Address {
        Address(unchecked: try data(what, size: 20))
    }

    func member(_ key: String, of what: String) throws(ChainClientError) -> JSONValue {
        guard case .object(let members) = self else { throw ChainClientError.malformed("\(what) is not an object: \(brief)") }
        guard let value = members[key] else { throw ChainClientError.malformed("\(what) has no \(key)") }
        return value
    }

    func items(_ what: String) throws(ChainClientError) -> [JSONValue] {
        guard case .array(let values) = self else { throw ChainClientError.malformed("\(what) is not an array: \(brief)") }
        return values
    }

    /// At most 80 characters of the value, for messages.
    var brief: String {
        let text = description
        return text.count > 80 ? String(text.prefix(77)) + "..." : text
    }
}

extension JSONValue {
    static func quantity<T: FixedWidthInteger & UnsignedInteger>(_ value: T) -> JSONValue { .string("0x" + String(value, radix: 16)) }
    static func data(_ bytes: [UInt8]) -> JSONValue { .string(Hex.encode(bytes)) }
}
