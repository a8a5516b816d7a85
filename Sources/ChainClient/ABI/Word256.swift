/// One 256-bit EVM word, big-endian: the value of an ABI `uint<N>` or (two's complement) `int<N>`.
///
/// meterd does no 256-bit arithmetic; it converts to the Swift integer a quantity fits in, and a value
/// that does not fit is an error rather than a silent truncation.
struct Word256: Sendable, Hashable, CustomStringConvertible {
    let bytes: [UInt8]

    static let zero = Word256(unchecked: [UInt8](repeating: 0, count: 32))

    init(unchecked bytes: [UInt8]) { self.bytes = bytes }

    init(bytes: [UInt8]) throws(ChainClientError) {
        guard bytes.count <= 32 else { throw .valueOutOfRange(type: "uint256", value: Hex.encode(bytes)) }
        self.bytes = [UInt8](repeating: 0, count: 32 - bytes.count) + bytes
    }

    init<T: FixedWidthInteger & UnsignedInteger>(_ value: T) {
        bytes = BigEndian.padded(value, to: 32)
    }

    /// Two's complement, sign-extended to 256 bits.
    init<T: FixedWidthInteger & SignedInteger>(signed value: T) {
        let magnitude = BigEndian.padded(T.Magnitude(truncatingIfNeeded: value), to: T.bitWidth / 8)
        let fill: UInt8 = value < 0 ? 0xFF : 0
        bytes = [UInt8](repeating: fill, count: 32 - magnitude.count) + magnitude
    }

    /// The number of significant bits of the unsigned reading.
    var bitLength: Int {
        guard let first = bytes.firstIndex(where: { $0 != 0 }) else { return 0 }
        return (31 - first) * 8 + (8 - bytes[first].leadingZeroBitCount)
    }

    var isNegative: Bool { bytes[0] & 0x80 != 0 }

    /// Whether the signed reading fits in `bits` bits (the word is the sign extension of its low bits).
    func fitsSigned(bits: Int) -> Bool {
        let fill: UInt8 = isNegative ? 0xFF : 0
        let keep = bits / 8
        guard bytes[0..<(32 - keep)].allSatisfy({ $0 == fill }) else { return false }
        return (bytes[32 - keep] & 0x80 != 0) == isNegative
    }

    func unsigned<T: FixedWidthInteger & UnsignedInteger>(_ type: T.Type = T.self) throws(ChainClientError) -> T {
        guard bitLength <= T.bitWidth else { throw .valueOutOfRange(type: "\(T.self)", value: Hex.encode(bytes)) }
        var value: T = 0
        for byte in bytes.suffix(T.bitWidth / 8) { value = value << 8 | T(byte) }
        return value
    }

    func signed<T: FixedWidthInteger & SignedInteger>(_ type: T.Type = T.self) throws(ChainClientError) -> T {
        guard fitsSigned(bits: T.bitWidth) else { throw .valueOutOfRange(type: "\(T.self)", value: Hex.encode(bytes)) }
        var value = T.Magnitude(0)
        for byte in bytes.suffix(T.bitWidth / 8) { value = value << 8 | T.Magnitude(byte) }
        return T(truncatingIfNeeded: value)
    }

    var description: String {
        if let small = try? unsigned(UInt128.self) { return String(small) }
        return Hex.encode(bytes)
    }
}
