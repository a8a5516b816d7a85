/// A 20-byte Ethereum address, shown with its EIP-55 mixed-case checksum.
public struct Address: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    init(unchecked bytes: [UInt8]) { self.bytes = bytes }

    public init(bytes: [UInt8]) throws {
        guard bytes.count == 20 else { throw ChainClientError.invalidLength(what: "an address", expected: 20, actual: bytes.count) }
        self.bytes = bytes
    }

    /// Parses `0x` + 40 hex digits. All-lower or all-upper text is accepted as is; mixed case must
    /// carry a correct EIP-55 checksum, so a mistyped address is refused rather than used.
    public init(_ text: String) throws {
        guard text.hasPrefix("0x") || text.hasPrefix("0X"), text.utf8.count == 42,
              let decoded = try? Hex.decode(text), decoded.count == 20 else {
            throw ChainClientError.invalidAddress(text)
        }
        self.bytes = decoded
        let body = text.dropFirst(2)
        let isMixed = body.contains(where: \.isUppercase) && body.contains(where: \.isLowercase)
        if isMixed && String(body) != String(checksummed.dropFirst(2)) {
            throw ChainClientError.badAddressChecksum(text)
        }
    }

    /// EIP-55: a hex letter is upper case when the matching nibble of keccak-256(lower-case hex) is ≥ 8.
    public var checksummed: String {
        let lower = Hex.encode(bytes, prefix: false)
        let hash = Keccak256.hash(Array(lower.utf8))
        var out = "0x"
        for (index, character) in lower.enumerated() {
            let nibble = index % 2 == 0 ? hash[index / 2] >> 4 : hash[index / 2] & 0x0F
            out.append(nibble >= 8 ? Character(character.uppercased()) : character)
        }
        return out
    }

    public var description: String { checksummed }
}
