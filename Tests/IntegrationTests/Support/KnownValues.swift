@testable import Drivers
import Foundation
@testable import MeterDaemon
import Testing

/// Distinct, exactly representable values for every quantity of a profile, and the check that a
/// reading carries each of them exactly (values as decoded, energy as integer mWh).
struct KnownValues {
    let profile: MeterProfile
    let values: [Quantity: Double]

    init(profileNamed name: String) throws {
        profile = try MeterProfileLoader.load(path: "\(ModbusSimulator.profiles)/\(name).toml")
        var values: [Quantity: Double] = [:]
        for (index, register) in profile.registers.enumerated() {
            values[register.quantity] = Self.value(for: register, index: index)
        }
        self.values = values
    }

    /// A value in the register's unit that the register holds exactly.
    static func value(for register: QuantityRegister, index: Int) -> Double {
        let step = Double(index)
        let nominal: Double
        switch register.quantity {
        case .voltageL1, .voltageL2, .voltageL3: nominal = 229 + step * 0.5
        case .currentL1, .currentL2, .currentL3: nominal = 10 + step * 0.25
        case .powerFactorL1, .powerFactorL2, .powerFactorL3, .powerFactorTotal: nominal = -0.5 - step / 128
        case .frequency: nominal = 49.75 + step / 16
        case .activePowerTotal: nominal = -1234.5
        default: nominal = register.quantity.isCumulativeEnergy ? 10_000 + step * 1_000.25 : 2_000 + step * 12.5
        }
        guard !register.dataType.isFloat else { return Double(Float(nominal)) }
        return (nominal / register.scale).rounded() * register.scale
    }

    /// {"quantity": value} for the simulator's values file.
    var simulatorValues: [String: Any] {
        Dictionary(uniqueKeysWithValues: values.map { ($0.key.rawValue, $0.value) })
    }

    func expectExact(_ reading: Reading, sourceLocation: SourceLocation = #_sourceLocation) {
        for register in profile.registers {
            let expected = values[register.quantity]!
            if register.quantity.isCumulativeEnergy {
                let milliwattHours = Int64((expected * register.unit.factorToCarryingUnit).rounded())
                #expect(reading.energy[register.quantity]?.milliwattHours == milliwattHours,
                        "\(profile.name) \(register.quantity.rawValue)", sourceLocation: sourceLocation)
            } else {
                let got = reading.values[register.quantity]
                let tolerance = register.dataType.isFloat ? 0 : abs(register.scale) * 1e-9
                #expect(got != nil && abs(got! - expected * register.unit.factorToCarryingUnit) <= tolerance,
                        "\(profile.name) \(register.quantity.rawValue): got \(String(describing: got)), expected \(expected)",
                        sourceLocation: sourceLocation)
            }
        }
    }
}
