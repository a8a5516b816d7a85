/// What one quantity's registers say: a value, or the meter's "not available" marker.
public enum DecodedQuantity: Sendable, Equatable {
    case notAvailable
    /// An instantaneous value in SI units.
    case value(Double)
    /// A cumulative energy register in integer milliwatt-hours.
    case energy(EnergyValue)
}

/// Turns the raw 16-bit registers of one quantity into its value, as its profile entry describes.
public enum RegisterDecoder {
    public static func decode(_ words: ArraySlice<UInt16>, as register: QuantityRegister) throws(DriverError) -> DecodedQuantity {
        let type = register.dataType
        guard words.count == type.registerCount else {
            throw .wrongRegisterCount(expected: type.registerCount, got: words.count)
        }
        let bits = assemble(words, wordOrder: register.wordOrder, byteOrder: register.byteOrder)
        if isNotAvailable(bits, type: type, markers: register.notAvailable) { return .notAvailable }

        let factor = register.scale * register.unit.factorToCarryingUnit
        if register.quantity.isCumulativeEnergy {
            return .energy(try energy(bits, type: type, factor: factor, quantity: register.quantity))
        }
        return .value(scaled(number(bits, type: type), by: factor))
    }

    /// `raw × factor`, computed as a division where the factor is 1/n (0.1, 0.01, 0.001: most
    /// integer registers), so 2301 × 0.1 gives 230.1 and not 230.10000000000002.
    static func scaled(_ raw: Double, by factor: Double) -> Double {
        let divisor = (1 / factor).rounded()
        if abs(factor) < 1, divisor != 0, abs(1 / factor - divisor) < 1e-9 * abs(divisor) { return raw / divisor }
        return raw * factor
    }

    /// The registers' bits as one unsigned integer, most significant bit first.
    static func assemble(_ words: ArraySlice<UInt16>, wordOrder: WordOrder, byteOrder: ByteOrder) -> UInt64 {
        let ordered = wordOrder == .big ? Array(words) : words.reversed()
        return ordered.reduce(UInt64(0)) { bits, word in
            (bits << 16) | UInt64(byteOrder == .big ? word : word.byteSwapped)
        }
    }

    static func isNotAvailable(_ bits: UInt64, type: RegisterDataType, markers: Set<NotAvailableMarker>) -> Bool {
        let width = type.registerCount * 16
        let allOnes: UInt64 = width == 64 ? .max : (1 << width) - 1
        if markers.contains(.allOnes), bits == allOnes { return true }
        if markers.contains(.signedMax), bits == allOnes >> 1 { return true }
        if markers.contains(.nan), type.isFloat {
            let value = number(bits, type: type)
            return value.isNaN || value.isInfinite
        }
        return false
    }

    static func number(_ bits: UInt64, type: RegisterDataType) -> Double {
        switch type {
        case .int16: return Double(Int16(truncatingIfNeeded: bits))
        case .uint16: return Double(UInt16(truncatingIfNeeded: bits))
        case .int32: return Double(Int32(truncatingIfNeeded: bits))
        case .uint32: return Double(UInt32(truncatingIfNeeded: bits))
        case .int64: return Double(Int64(bitPattern: bits))
        case .uint64: return Double(bits)
        case .float32: return Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits)))
        case .float64: return Double(bitPattern: bits)
        }
    }

    /// Energy in integer mWh. Integer registers whose scale is a whole number of mWh are multiplied
    /// exactly; a float register's resolution is one step (ulp) of the float at its current value.
    static func energy(_ bits: UInt64, type: RegisterDataType, factor: Double, quantity: Quantity) throws(DriverError) -> EnergyValue {
        let limit = Double(Int64.max) / 2
        switch type {
        case .float32:
            let float = Float(bitPattern: UInt32(truncatingIfNeeded: bits))
            let total = Double(float) * factor
            guard abs(total) < limit else { throw .energyOutOfRange(quantity) }
            let step = Double(float.ulp) * factor
            return EnergyValue(milliwattHours: Int64(total.rounded()), resolutionMilliwattHours: max(1, Int64(step.rounded(.up))))
        case .float64:
            let double = Double(bitPattern: bits)
            let total = double * factor
            guard abs(total) < limit else { throw .energyOutOfRange(quantity) }
            return EnergyValue(milliwattHours: Int64(total.rounded()), resolutionMilliwattHours: max(1, Int64((double.ulp * factor).rounded(.up))))
        default:
            let whole = factor.rounded()
            if whole >= 1, abs(factor - whole) <= whole * 1e-9, let raw = signedRaw(bits, type: type) {
                let (product, overflow) = raw.multipliedReportingOverflow(by: Int64(whole))
                guard !overflow else { throw .energyOutOfRange(quantity) }
                return EnergyValue(milliwattHours: product, resolutionMilliwattHours: Int64(whole))
            }
            let total = number(bits, type: type) * factor
            guard abs(total) < limit else { throw .energyOutOfRange(quantity) }
            return EnergyValue(milliwattHours: Int64(total.rounded()), resolutionMilliwattHours: max(1, Int64(factor.rounded(.up))))
        }
    }

    private static func signedRaw(_ bits: UInt64, type: RegisterDataType) -> Int64? {
        switch type {
        case .int16: return Int64(Int16(truncatingIfNeeded: bits))
        case .uint16: return Int64(UInt16(truncatingIfNeeded: bits))
        case .int32: return Int64(Int32(truncatingIfNeeded: bits))
        case .uint32: return Int64(UInt32(truncatingIfNeeded: bits))
        case .int64: return Int64(bitPattern: bits)
        case .uint64: return bits <= UInt64(Int64.max) ? Int64(bits) : nil
        case .float32, .float64: return nil
        }
    }
}
