/// Hexadecimal text as Ethereum tooling writes it: lower case, optionally `0x`-prefixed.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func encode<Bytes: Sequence>(_ bytes: Bytes, prefix: Bool = true) -> String where Bytes.Element == UInt8 {
        var out: [UInt8] = prefix ? Array("0x".utf8) : []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ text: String) throws -> [UInt8] {
        var body = Substring(text)
        if body.hasPrefix("0x") || body.hasPrefix("0X") { body = body.dropFirst(2) }
        guard body.utf8.count % 2 == 0 else { throw ChainClientError.oddHexLength(body.utf8.count) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(body.utf8.count / 2)
        var high: UInt8?
        for character in body {
            guard let nibble = character.hexDigitValue else { throw ChainClientError.invalidHexCharacter(character) }
            if let h = high {
                bytes.append(h << 4 | UInt8(nibble))
                high = nil
            } else {
                high = UInt8(nibble)
            }
        }
        return bytes
    }
}
