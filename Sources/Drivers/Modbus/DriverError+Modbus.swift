import CModbus
import Glibc

/// What can go wrong talking to a Modbus meter, coded so callers decide retry, reconnect or give up.
///
/// Each message is the whole sentence: it names the unit or endpoint where it reads best.
extension DriverError {
    static func modbus(_ code: ModbusCode, endpoint: String? = nil, unit: UInt8? = nil, message: String) -> DriverError {
        let place: Place? = endpoint == nil && unit == nil ? nil : .modbus(endpoint: endpoint, unit: unit)
        return DriverError(.modbus(code), place: place, message: message)
    }

    /// `unit` did not answer within the response timeout.
    static func timeout(unit: UInt8) -> DriverError {
        .modbus(.timeout, unit: unit, message: "unit \(unit) did not answer within the response timeout")
    }

    /// An answer whose CRC did not match (RTU), or a malformed frame.
    static func badFrame(_ detail: String) -> DriverError {
        .modbus(.badFrame, message: "garbled answer: \(detail)")
    }

    /// `unit` answered with an exception.
    static func exception(_ exception: ModbusException, unit: UInt8) -> DriverError {
        .modbus(.exception(exception), unit: unit, message: "unit \(unit) answered \(exception)")
    }

    static func connectionRefused(endpoint: String) -> DriverError {
        .modbus(.connectionRefused, endpoint: endpoint, message:
            "\(endpoint) refused the connection: is the meter or gateway on, and the port right?")
    }

    static func connectionLost(endpoint: String, reason: String) -> DriverError {
        .modbus(.connectionLost, endpoint: endpoint, message: "connection lost: \(endpoint): \(reason)")
    }

    /// The serial device `path` does not exist.
    static func deviceMissing(path: String) -> DriverError {
        .modbus(.deviceMissing, endpoint: path, message: "\(path) does not exist: is the RS-485 adapter plugged in?")
    }

    /// The serial device `path` is not readable and writable by this user.
    static func permissionDenied(path: String) -> DriverError {
        .modbus(.permissionDenied, endpoint: path, message:
            "\(path) is not readable and writable by this user: add the user to the 'dialout' group (usermod -aG dialout USER)")
    }

    /// Settings libmodbus or the port refuses; `detail` names the setting to change.
    static func invalidSettings(_ detail: String) -> DriverError {
        .modbus(.invalidSettings, message: detail)
    }

    /// Maps libmodbus's errno after a failed call.
    static func modbus(errno code: Int32, unit: UInt8, endpoint: String) -> DriverError {
        let base = Int32(MODBUS_ENOBASE)
        if code > base, code <= base + 11, let exception = ModbusException(rawValue: UInt8(code - base)) {
            return .exception(exception, unit: unit)
        }
        let message = String(cString: modbus_strerror(code))
        switch code {
        case ETIMEDOUT: return .timeout(unit: unit)
        case base + 12, base + 13, base + 14, base + 15, base + 16, base + 17: return .badFrame(message)
        case ECONNREFUSED: return .connectionRefused(endpoint: endpoint)
        case ECONNRESET, EPIPE, EBADF, ENOTCONN, EIO: return .connectionLost(endpoint: endpoint, reason: message)
        case ENOENT, ENODEV, ENXIO: return .deviceMissing(path: endpoint)
        case EACCES, EPERM: return .permissionDenied(path: endpoint)
        default: return .modbus(.other, endpoint: endpoint, message: "\(endpoint): \(message)")
        }
    }
}
