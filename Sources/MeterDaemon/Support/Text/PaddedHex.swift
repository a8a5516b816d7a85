extension BinaryInteger {
    /// Lower-case hexadecimal, zero-padded to `width` digits.
    func paddedHex(width: Int) -> String {
        let digits = String(self, radix: 16)
        return String(repeating: "0", count: Swift.max(0, width - digits.count)) + digits
    }
}
