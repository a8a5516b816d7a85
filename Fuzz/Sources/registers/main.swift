// Register words from a meter turned into values. The first bytes choose the register's description
// within what a profile may declare (type, word and byte order, not-available markers, quantity, a
// unit allowed for it, a scale in ±1e9); the rest are the 16-bit words the meter answered.
// Property: a value or a typed error, never a trap; energy stays integer mWh with a positive resolution.
@testable import Drivers
import FuzzSupport

fuzz { bytes in
    guard bytes.count >= 14 else { return }
    let types = RegisterDataType.allCases, quantities = Quantity.allCases, markers = NotAvailableMarker.allCases
    let type = types[Int(bytes[0]) % types.count]
    let quantity = quantities[Int(bytes[1]) % quantities.count]
    let units = MeasurementUnit.allowed(for: quantity)
    let unit = units[Int(bytes[2]) % units.count]
    let notAvailable = Set(markers.indices.filter { bytes[3] & (1 << $0) != 0 }.map { markers[$0] })
    let scaleBits = bytes[6..<14].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    var scale = Double(bitPattern: scaleBits)
    if !scale.isFinite || abs(scale) > 1e9 { scale = Double(Int64(bitPattern: scaleBits) % 1_000_000_000) }
    let register = QuantityRegister(
        quantity: quantity, function: .holding, address: 0, dataType: type,
        wordOrder: bytes[4] & 1 == 0 ? .big : .little, byteOrder: bytes[5] & 1 == 0 ? .big : .little,
        scale: scale, unit: unit, notAvailable: notAvailable)
    let rest = bytes[14...]
    let words = stride(from: rest.startIndex, to: rest.endIndex - 1, by: 2).map { UInt16(rest[$0]) << 8 | UInt16(rest[$0 + 1]) }
    guard case .energy(let energy)? = try? RegisterDecoder.decode(words[...], as: register) else { return }
    check(energy.resolutionMilliwattHours >= 1, "energy resolution \(energy.resolutionMilliwattHours) mWh is not positive")
}
