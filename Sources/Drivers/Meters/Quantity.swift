/// A quantity a meter reports, named as a utility engineer names it.
///
/// Instantaneous quantities are carried as `Double` in SI units; cumulative energy registers are
/// carried as integer milliwatt-hours (see `EnergyValue`) so a year of readings has no float drift.
public enum Quantity: String, CaseIterable, Sendable, Codable, Comparable {
    case voltageL1 = "voltage_l1"
    case voltageL2 = "voltage_l2"
    case voltageL3 = "voltage_l3"
    case currentL1 = "current_l1"
    case currentL2 = "current_l2"
    case currentL3 = "current_l3"
    case activePowerL1 = "active_power_l1"
    case activePowerL2 = "active_power_l2"
    case activePowerL3 = "active_power_l3"
    case activePowerTotal = "active_power_total"
    case apparentPowerTotal = "apparent_power_total"
    case reactivePowerTotal = "reactive_power_total"
    case powerFactorL1 = "power_factor_l1"
    case powerFactorL2 = "power_factor_l2"
    case powerFactorL3 = "power_factor_l3"
    case powerFactorTotal = "power_factor_total"
    case frequency
    case dcVoltage = "dc_voltage"
    case dcCurrent = "dc_current"
    case temperature
    case importActiveEnergy = "import_active_energy"
    case exportActiveEnergy = "export_active_energy"
    case importActiveEnergyL1 = "import_active_energy_l1"
    case importActiveEnergyL2 = "import_active_energy_l2"
    case importActiveEnergyL3 = "import_active_energy_l3"
    case exportActiveEnergyL1 = "export_active_energy_l1"
    case exportActiveEnergyL2 = "export_active_energy_l2"
    case exportActiveEnergyL3 = "export_active_energy_l3"

    /// Cumulative registers: they only ever grow, and consumption is their difference.
    var isCumulativeEnergy: Bool {
        switch self {
        case .importActiveEnergy, .exportActiveEnergy,
             .importActiveEnergyL1, .importActiveEnergyL2, .importActiveEnergyL3,
             .exportActiveEnergyL1, .exportActiveEnergyL2, .exportActiveEnergyL3:
            return true
        default:
            return false
        }
    }

    /// The SI unit the value is carried in (energy: the unit it is shown in).
    var unit: String {
        switch self {
        case .voltageL1, .voltageL2, .voltageL3, .dcVoltage: return "V"
        case .currentL1, .currentL2, .currentL3, .dcCurrent: return "A"
        case .activePowerL1, .activePowerL2, .activePowerL3, .activePowerTotal: return "W"
        case .apparentPowerTotal: return "VA"
        case .reactivePowerTotal: return "var"
        case .powerFactorL1, .powerFactorL2, .powerFactorL3, .powerFactorTotal: return ""
        case .frequency: return "Hz"
        case .temperature: return "°C"
        default: return "kWh"
        }
    }

    /// The quantities every profile of a three-phase AC meter is expected to cover.
    static let standardThreePhase: [Quantity] = [
        .voltageL1, .voltageL2, .voltageL3, .currentL1, .currentL2, .currentL3,
        .activePowerL1, .activePowerL2, .activePowerL3, .activePowerTotal,
        .frequency, .importActiveEnergy,
    ]

    /// The quantities every profile of a single-phase AC meter is expected to cover.
    static let standardSinglePhase: [Quantity] = [
        .voltageL1, .currentL1, .activePowerTotal, .frequency, .importActiveEnergy,
    ]

    public static func < (lhs: Quantity, rhs: Quantity) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
