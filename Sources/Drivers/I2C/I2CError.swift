/// Why an I2C operation failed, with a message that names the bus, the address and the fix.
///
/// One error type for the whole I2C path (bus, drivers, probe), so callers can switch on `code`
/// and show `description` to a field engineer as it is.
public struct I2CError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
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

    public let code: Code
    public let bus: String
    public let address: UInt8?
    /// What happened and what to do about it, without the bus/address prefix.
    public let message: String

    init(_ code: Code, bus: String, address: UInt8?, message: String) {
        self.code = code
        self.bus = bus
        self.address = address
        self.message = message
    }

    public var description: String {
        if let address {
            return "\(bus) address \(I2CAddressFormat.hex(address)): \(message)"
        }
        return "\(bus): \(message)"
    }

    static func noAcknowledge(bus: String, address: UInt8) -> I2CError {
        I2CError(.noAcknowledge, bus: bus, address: address, message:
            "no acknowledge; check that the chip is powered, wired to this bus and strapped to this address "
            + "(`i2cdetect -y` on this bus, or meterd's I2C probe, lists the addresses that answer)")
    }

    static func timeout(bus: String, address: UInt8) -> I2CError {
        I2CError(.timeout, bus: bus, address: address, message:
            "the transfer timed out; check for a chip holding SDA or SCL low, missing pull-ups, or too long wiring")
    }
}

public enum I2CAddressFormat {
    public static func hex(_ value: some BinaryInteger, digits: Int = 2) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
