/// How an INA228 is wired on the board: its shunt and the largest current to be measured.
///
/// The current LSB is `maxCurrentAmperes / 2^19` (the CURRENT register is 20-bit signed), and
/// SHUNT_CAL = 13107.2e6 × current LSB × shunt ohms, four times that with the ±40.96 mV range.
public struct INA228Calibration: Sendable, Equatable {
    public enum ShuntRange: Sendable, Equatable {
        /// ADCRANGE = 0: ±163.84 mV across the shunt, 312.5 nV per LSB.
        case millivolts163_84
        /// ADCRANGE = 1: ±40.96 mV across the shunt, 78.125 nV per LSB.
        case millivolts40_96
    }

    var shuntOhms: Double
    var maxCurrentAmperes: Double
    var shuntRange: ShuntRange

    public init(shuntOhms: Double, maxCurrentAmperes: Double, shuntRange: ShuntRange = .millivolts163_84) {
        self.shuntOhms = shuntOhms
        self.maxCurrentAmperes = maxCurrentAmperes
        self.shuntRange = shuntRange
    }

    var currentAmperesPerLSB: Double { maxCurrentAmperes / 524_288 }

    var powerWattsPerLSB: Double { INA228Scale.powerLSBsPerCurrentLSB * currentAmperesPerLSB }

    /// One step of ENERGY: 51.2 × current LSB joules.
    var energyMilliwattHoursPerLSB: Double {
        INA228Scale.energyLSBsPerCurrentLSB * currentAmperesPerLSB / 3.6
    }

    /// The value for SHUNT_CAL, before checking that it fits the register's 15 bits.
    var shuntCalibrationValue: Double {
        let scale = shuntRange == .millivolts40_96 ? 4.0 : 1.0
        return (13107.2e6 * currentAmperesPerLSB * shuntOhms * scale).rounded()
    }

    /// SHUNT_CAL, or the reason these constants cannot be programmed.
    func shuntCalibrationRegister(bus: String, address: UInt8) throws(DriverError) -> UInt64 {
        guard shuntOhms > 0, maxCurrentAmperes > 0, shuntOhms.isFinite, maxCurrentAmperes.isFinite else {
            throw .i2c(.invalidCalibration, bus: bus, address: address, message:
                "INA228 calibration needs a positive shunt_ohms and max_current (got \(shuntOhms) Ω, "
                + "\(maxCurrentAmperes) A); set them from the board's shunt and the largest expected current")
        }
        let value = shuntCalibrationValue
        guard value >= 1, value <= 0x7FFF else {
            throw .i2c(.invalidCalibration, bus: bus, address: address, message:
                "INA228 SHUNT_CAL would be \(Int(value)) for \(shuntOhms) Ω and \(maxCurrentAmperes) A, outside "
                + "1...32767; choose a max_current closer to the shunt's full scale (±163.84 mV, or ±40.96 mV "
                + "with the low range)")
        }
        return UInt64(value)
    }
}
