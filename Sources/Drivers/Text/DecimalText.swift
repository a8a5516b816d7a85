import Glibc

/// `value` with a fixed number of digits after the point, as printf's "%.Nf" writes it
/// (FoundationEssentials has no String(format:)). A function rather than an extension of Double,
/// so that importing Drivers does not add a member to a standard type; Cutoff and MeterDaemon use it.
public func decimalText(_ value: Double, fractionDigits: Int) -> String {
    let digits = Swift.max(0, Swift.min(fractionDigits, 17))
    // %f of the largest double has 309 integer digits.
    var buffer = [CChar](repeating: 0, count: 330)
    _ = withVaList([value]) { vsnprintf(&buffer, buffer.count, "%.\(digits)f", $0) }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
