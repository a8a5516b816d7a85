import Drivers

/// The range a quantity's value must fall in to be believable from a working meter; used by the
/// probe to tell which profile fits a unit (a wrong map reads as zeros, NaN or absurd numbers).
enum Plausibility {
    static func isPlausible(_ quantity: Quantity, _ value: DecodedQuantity) -> Bool {
        switch value {
        case .notAvailable: return false
        case .energy(let energy): return (0...1_000_000_000_000_000).contains(energy.milliwattHours)
        case .value(let number): return range(for: quantity).contains(number)
        }
    }

    static func range(for quantity: Quantity) -> ClosedRange<Double> {
        switch quantity {
        case .voltageL1, .voltageL2, .voltageL3: return 80...300
        case .currentL1, .currentL2, .currentL3: return 0...10_000
        case .activePowerL1, .activePowerL2, .activePowerL3, .activePowerTotal, .apparentPowerTotal, .reactivePowerTotal:
            return -10_000_000...10_000_000
        case .powerFactorL1, .powerFactorL2, .powerFactorL3, .powerFactorTotal: return -1...1
        case .frequency: return 45...65
        case .dcVoltage: return 0...1500
        case .dcCurrent: return -10_000...10_000
        case .temperature: return -40...150
        default: return 0...Double.greatestFiniteMagnitude
        }
    }
}
