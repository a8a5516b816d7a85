/// The Modbus exception codes a server answers with, by name (Modbus Application Protocol 1.1b3, 7).
public enum ModbusException: UInt8, Sendable, CustomStringConvertible {
    case illegalFunction = 1
    case illegalDataAddress = 2
    case illegalDataValue = 3
    case serverDeviceFailure = 4
    case acknowledge = 5
    case serverDeviceBusy = 6
    case negativeAcknowledge = 7
    case memoryParityError = 8
    case gatewayPathUnavailable = 10
    case gatewayTargetFailedToRespond = 11

    public var description: String {
        switch self {
        case .illegalFunction: return "illegal function (exception 1)"
        case .illegalDataAddress: return "illegal data address (exception 2)"
        case .illegalDataValue: return "illegal data value (exception 3)"
        case .serverDeviceFailure: return "server device failure (exception 4)"
        case .acknowledge: return "acknowledge (exception 5)"
        case .serverDeviceBusy: return "server device busy (exception 6)"
        case .negativeAcknowledge: return "negative acknowledge (exception 7)"
        case .memoryParityError: return "memory parity error (exception 8)"
        case .gatewayPathUnavailable: return "gateway path unavailable (exception 10)"
        case .gatewayTargetFailedToRespond: return "gateway target device failed to respond (exception 11)"
        }
    }

    /// Answers that say "try again later" rather than "never".
    var isTransient: Bool { self == .serverDeviceBusy || self == .acknowledge || self == .gatewayTargetFailedToRespond }
}
