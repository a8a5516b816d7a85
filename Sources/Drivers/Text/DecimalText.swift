import Glibc

extension Double {
    /// The value with a fixed number of digits after the point, as printf's "%.Nf" writes it
    /// (FoundationEssentials has no String(format:)).
    public func decimalText(fractionDigits: Int) -> String {
        let digits = Swift.max(0, Swift.min(fractionDigits, 17))
        // %f of the largest double has 309 integer digits.
        var buffer = [CChar](repeating: 0, count: 330)
        _ = withVaList([self]) { vsnprintf(&buffer, buffer.count, "%.\(digits)f", $0) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension BinaryInteger {
    /// Lower-case hexadecimal, zero-padded to `width` digits.
    public func paddedHex(width: Int) -> String {
        let digits = String(self, radix: 16)
        return String(repeating: "0", count: Swift.max(0, width - digits.count)) + digits
    }
}
