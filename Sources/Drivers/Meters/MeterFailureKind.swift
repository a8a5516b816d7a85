/// How a meter read failed, as the metrics' `kind` label names it: kept beside the drivers' errors
/// so a new error case is classified where it is made.
public enum MeterFailureKind: String, Sendable {
    case timeout
    case badFrame = "bad_frame"
    case exception
    case connection
    case i2c
    case other

    public init(_ error: any Error) {
        switch error {
        case ModbusError.timeout: self = .timeout
        case ModbusError.badFrame: self = .badFrame
        case ModbusError.exception: self = .exception
        case ModbusError.connectionRefused, ModbusError.connectionLost: self = .connection
        case is I2CError: self = .i2c
        default: self = .other
        }
    }
}
