import CModbus
import Glibc

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

/// What can go wrong talking to a Modbus meter, typed so callers decide retry, reconnect or give up.
public enum ModbusError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No answer within the response timeout.
    case timeout(unit: UInt8)
    /// An answer whose CRC did not match (RTU), or a malformed frame.
    case badFrame(String)
    /// The server answered with an exception.
    case exception(ModbusException, unit: UInt8)
    case connectionRefused(String)
    case connectionLost(String)
    case deviceMissing(String)
    case permissionDenied(String)
    case invalidSettings(String)
    case other(String)

    public var description: String {
        switch self {
        case .timeout(let unit): return "unit \(unit) did not answer within the response timeout"
        case .badFrame(let detail): return "garbled answer: \(detail)"
        case .exception(let exception, let unit): return "unit \(unit) answered \(exception)"
        case .connectionRefused(let endpoint): return "\(endpoint) refused the connection: is the meter or gateway on, and the port right?"
        case .connectionLost(let detail): return "connection lost: \(detail)"
        case .deviceMissing(let path): return "\(path) does not exist: is the RS-485 adapter plugged in?"
        case .permissionDenied(let path):
            return "\(path) is not readable and writable by this user: add the user to the 'dialout' group (usermod -aG dialout USER)"
        case .invalidSettings(let detail): return detail
        case .other(let detail): return detail
        }
    }

    /// Worth trying the same request again (after a pause).
    var isRetryable: Bool {
        switch self {
        case .timeout, .badFrame, .connectionLost, .connectionRefused: return true
        case .exception(let exception, _): return exception.isTransient
        default: return false
        }
    }

    /// Maps libmodbus's errno after a failed call.
    static func fromErrno(_ code: Int32, unit: UInt8, endpoint: String) -> ModbusError {
        let base = Int32(MODBUS_ENOBASE)
        if code > base, code <= base + 11, let exception = ModbusException(rawValue: UInt8(code - base)) {
            return .exception(exception, unit: unit)
        }
        let message = String(cString: modbus_strerror(code))
        switch code {
        case ETIMEDOUT: return .timeout(unit: unit)
        case base + 12, base + 13, base + 14, base + 15, base + 16, base + 17: return .badFrame(message)
        case ECONNREFUSED: return .connectionRefused(endpoint)
        case ECONNRESET, EPIPE, EBADF, ENOTCONN, EIO: return .connectionLost("\(endpoint): \(message)")
        case ENOENT, ENODEV, ENXIO: return .deviceMissing(endpoint)
        case EACCES, EPERM: return .permissionDenied(endpoint)
        default: return .other("\(endpoint): \(message)")
        }
    }
}
