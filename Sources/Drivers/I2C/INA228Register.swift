/// The TI INA228's registers (datasheet SBOSA20, section 7.6): one-byte pointer, contents MSB first.
enum INA228Register: UInt8, CaseIterable, Sendable {
    case config = 0x00
    case adcConfig = 0x01
    case shuntCalibration = 0x02
    case shuntTemperatureCoefficient = 0x03
    case shuntVoltage = 0x04
    case busVoltage = 0x05
    case dieTemperature = 0x06
    case current = 0x07
    case power = 0x08
    case energy = 0x09
    case charge = 0x0A
    case diagnosticAlert = 0x0B
    case shuntOvervoltageLimit = 0x0C
    case shuntUndervoltageLimit = 0x0D
    case busOvervoltageLimit = 0x0E
    case busUndervoltageLimit = 0x0F
    case temperatureLimit = 0x10
    case powerLimit = 0x11
    case manufacturerID = 0x3E
    case deviceID = 0x3F

    /// Width in bytes.
    var width: Int {
        switch self {
        case .shuntVoltage, .busVoltage, .current, .power: return 3
        case .energy, .charge: return 5
        default: return 2
        }
    }

    /// Contents after power-on or a reset through CONFIG.RST.
    var resetValue: UInt64 {
        switch self {
        case .adcConfig: return 0xFB68  // continuous bus, shunt and temperature; 1052 µs each; no averaging
        case .shuntCalibration: return 0x1000
        case .diagnosticAlert: return 0x0001
        case .shuntOvervoltageLimit, .busOvervoltageLimit, .temperatureLimit: return 0x7FFF
        case .shuntUndervoltageLimit: return 0x8000
        case .powerLimit: return 0xFFFF
        case .manufacturerID: return INA228Identity.manufacturerID
        case .deviceID: return INA228Identity.deviceID
        default: return 0
        }
    }

    var isWritable: Bool {
        switch self {
        case .config, .adcConfig, .shuntCalibration, .shuntTemperatureCoefficient, .diagnosticAlert,
             .shuntOvervoltageLimit, .shuntUndervoltageLimit, .busOvervoltageLimit, .busUndervoltageLimit,
             .temperatureLimit, .powerLimit:
            return true
        default:
            return false
        }
    }
}

enum INA228Identity {
    /// "TI" in ASCII.
    static let manufacturerID: UInt64 = 0x5449
    /// DIEID 0x228 in bits 15..4, silicon revision 1 in bits 3..0.
    static let deviceID: UInt64 = 0x2281
    static let dieID: UInt64 = 0x228
    /// The addresses the A0/A1 pins can select.
    static let addresses: ClosedRange<UInt8> = 0x40...0x4F

    /// The silicon revision when the ID registers are an INA228's, nil otherwise.
    static func revision(manufacturer: UInt64, device: UInt64) -> UInt8? {
        guard manufacturer == manufacturerID, device >> 4 == dieID else { return nil }
        return UInt8(device & 0xF)
    }
}

enum INA228Config {
    static let reset: UInt64 = 1 << 15
    static let resetAccumulators: UInt64 = 1 << 14
    static let adcRange: UInt64 = 1 << 4
}

/// Fixed scales of the INA228's conversion registers.
enum INA228Scale {
    static let busVoltsPerLSB = 195.3125e-6
    static let shuntVoltsPerLSB = 312.5e-9
    static let shuntVoltsPerLSBLowRange = 78.125e-9
    static let dieCelsiusPerLSB = 7.8125e-3
    static let powerLSBsPerCurrentLSB = 3.2
    static let energyLSBsPerCurrentLSB = 51.2
    /// 2^40: where ENERGY wraps.
    static let energyModulus: UInt64 = 1 << 40
}
