/// A duration on the command line: "500ms" or "2s" (decimals allowed), in milliseconds.
enum RelayDuration {
    static func milliseconds(_ text: String, in range: ClosedRange<Int>) -> Int? {
        let text = text.lowercased()
        let value: Double?
        if text.hasSuffix("ms") {
            value = Double(text.dropLast(2))
        } else if text.hasSuffix("s") {
            value = Double(text.dropLast()).map { $0 * 1000 }
        } else {
            value = nil
        }
        guard let value, value.isFinite, value >= Double(range.lowerBound), value <= Double(range.upperBound) else { return nil }
        return Int(value.rounded())
    }
}
