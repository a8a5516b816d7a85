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
        switch (error as? DriverError)?.code {
        case .modbus(.timeout): self = .timeout
        case .modbus(.badFrame): self = .badFrame
        case .modbus(.exception): self = .exception
        case .modbus(.connectionRefused), .modbus(.connectionLost): self = .connection
        case .i2c: self = .i2c
        default: self = .other
        }
    }
}
