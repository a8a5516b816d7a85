/// Why a driver could not talk to its hardware, or make sense of what it answered: what failed
/// (`code`), where (`place`: the Modbus unit or endpoint, the I2C bus and address, the GPIO line),
/// and a `message` that names the fix.
///
/// The one error type of the Drivers module (after swift-service-lifecycle's `ServiceGroupError`):
/// callers switch on `code` to retry, reconnect or give up, and show `description` to a field
/// engineer as it is. The static factories beside each driver (DriverError+Modbus, +I2C, +GPIO,
/// +Register) keep throw sites short.
public struct DriverError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What failed, by the layer that failed.
    public enum Code: Sendable, Equatable {
        case modbus(ModbusCode)
        case i2c(I2CCode)
        case gpio(GPIOCode)
        case register(RegisterCode)
    }

    /// What can go wrong talking to a Modbus meter.
    public enum ModbusCode: Sendable, Equatable {
        /// No answer within the response timeout.
        case timeout
        /// An answer whose CRC did not match (RTU), or a malformed frame.
        case badFrame
        /// The server answered with an exception.
        case exception(ModbusException)
        case connectionRefused
        case connectionLost
        /// The serial device does not exist.
        case deviceMissing
        /// The serial device is not readable and writable by this user.
        case permissionDenied
        case invalidSettings
        case other
    }

    /// What can go wrong on an I2C bus (bus, drivers, probe).
    public enum I2CCode: Sendable, Equatable {
        /// The bus device node does not exist (I2C disabled, or i2c-dev not loaded).
        case busMissing
        /// The device node exists but this user may not open it read-write.
        case permissionDenied
        /// Nothing acknowledged the address (ENXIO / EREMOTEIO / ENODEV): no chip there, or it is unpowered.
        case noAcknowledge
        /// The adapter gave up waiting (ETIMEDOUT): a chip stretched the clock too long or SDA is stuck.
        case timeout
        /// A kernel driver has claimed the address (EBUSY).
        case addressInUse
        /// The adapter cannot perform the transfer the chip needs (e.g. a 2-byte register address on an
        /// SMBus-only adapter).
        case unsupportedTransfer
        /// The chip at the address is not the one configured (identification registers disagree).
        case unexpectedDevice
        /// The calibration constants cannot be programmed into the chip.
        case invalidCalibration
        /// Any other failure of the operating system call, with its errno.
        case systemError(errno: Int32)
    }

    /// What can go wrong opening, requesting, reading or setting a GPIO line.
    public enum GPIOCode: Sendable, Equatable {
        /// No chip answers to the name, path, label or number.
        case chipMissing
        /// The chip's device node exists but this user may not open it.
        case permissionDenied
        /// The chip has no line with that offset or name.
        case lineMissing
        /// Another process holds the line (EBUSY); `consumer` is its label when the kernel reports it.
        case lineBusy(consumer: String?)
        /// Any other failure of a system call, with its errno.
        case systemError(operation: String, errno: Int32)
    }

    /// Why a quantity's registers could not be turned into a value.
    public enum RegisterCode: Sendable, Equatable {
        case wrongRegisterCount(expected: Int, got: Int)
        /// An energy register beyond what meterd can carry.
        case energyOutOfRange
    }

    /// The hardware (or the quantity) the error concerns.
    public enum Place: Sendable, Equatable {
        /// A Modbus unit, an endpoint (a TCP host:port or a serial device), or both.
        case modbus(endpoint: String?, unit: UInt8?)
        /// An I2C bus, and the address on it when the error concerns one chip.
        case i2c(bus: String, address: UInt8?)
        case gpio(GPIOLineAddress)
        /// A quantity of a meter profile.
        case quantity(Quantity)
    }

    public let code: Code
    let place: Place?
    /// What happened and what to do about it. For I2C and GPIO without the place, which
    /// `description` puts in front; Modbus and register messages name the unit, endpoint or
    /// quantity within the sentence.
    let message: String

    init(_ code: Code, place: Place?, message: String) {
        self.code = code
        self.place = place
        self.message = message
    }

    public var description: String {
        switch place {
        case .i2c(let bus, let address?): return "\(bus) address \(I2CAddressFormat.hex(address)): \(message)"
        case .i2c(let bus, nil): return "\(bus): \(message)"
        case .gpio(let address): return "\(address): \(message)"
        case .modbus, .quantity, nil: return message
        }
    }

    /// Worth trying the same request again (after a pause).
    var isRetryable: Bool {
        switch code {
        case .modbus(.timeout), .modbus(.badFrame), .modbus(.connectionLost), .modbus(.connectionRefused): return true
        case .modbus(.exception(let exception)): return exception.isTransient
        default: return false
        }
    }

    /// The Modbus unit has no such register (exception 2, illegal data address).
    var isAbsentRegister: Bool { code == .modbus(.exception(.illegalDataAddress)) }

    /// Another process holds the GPIO line.
    public var isLineBusy: Bool {
        if case .gpio(.lineBusy) = code { return true }
        return false
    }
}
