/// Register contents as metering chips send them: MSB first, some as two's complement narrower than
/// the bytes that carry them.
enum RegisterBytes {
    static func unsigned(_ bytes: [UInt8]) -> UInt64 {
        bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }

    static func bytes(of value: UInt64, width: Int) -> [UInt8] {
        (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64(width - 1 - $0))) }
    }

    /// The two's-complement value of the low `bits` bits of `value`.
    static func signExtend(_ value: UInt64, bits: Int) -> Int64 {
        let shift = 64 - bits
        return Int64(bitPattern: value << UInt64(shift)) >> Int64(shift)
    }
}
