/// The unit a profile states for a register's scaled value, and how it converts to what meterd carries:
/// SI units for instantaneous quantities, integer milliwatt-hours for energy.
public enum MeasurementUnit: String, Sendable, CaseIterable, Hashable {
    case volt = "V"
    case ampere = "A"
    case watt = "W"
    case kilowatt = "kW"
    case voltAmpere = "VA"
    case voltAmpereReactive = "var"
    case hertz = "Hz"
    case none = ""
    case degreeCelsius = "°C"
    case wattHour = "Wh"
    case kilowattHour = "kWh"

    /// Multiplier from this unit to meterd's carrying unit (SI, or mWh for energy).
    var factorToCarryingUnit: Double {
        switch self {
        case .kilowatt: return 1_000
        case .wattHour: return 1_000
        case .kilowattHour: return 1_000_000
        default: return 1
        }
    }

    /// The units a profile may give for a quantity.
    public static func allowed(for quantity: Quantity) -> [MeasurementUnit] {
        if quantity.isCumulativeEnergy { return [.wattHour, .kilowattHour] }
        switch quantity.unit {
        case "V": return [.volt]
        case "A": return [.ampere]
        case "W": return [.watt, .kilowatt]
        case "VA": return [.voltAmpere]
        case "var": return [.voltAmpereReactive]
        case "Hz": return [.hertz]
        case "°C": return [.degreeCelsius]
        default: return [.none]
        }
    }
}
