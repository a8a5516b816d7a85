import Glibc

/// Why an I2C operation failed, with a message that names the bus, the address and the fix.
///
/// The whole I2C path (bus, drivers, probe) throws these, so callers can switch on `code` and show
/// `description` to a field engineer as it is.
extension DriverError {
    /// `code` on `bus`, at `address` when the error concerns one chip; `message` names the fix.
    static func i2c(_ code: I2CCode, bus: String, address: UInt8?, message: String) -> DriverError {
        DriverError(.i2c(code), place: .i2c(bus: bus, address: address), message: message)
    }

    static func noAcknowledge(bus: String, address: UInt8) -> DriverError {
        .i2c(.noAcknowledge, bus: bus, address: address, message:
            "no acknowledge; check that the chip is powered, wired to this bus and strapped to this address "
            + "(`i2cdetect -y` on this bus, or meterd's I2C probe, lists the addresses that answer)")
    }

    static func timeout(bus: String, address: UInt8) -> DriverError {
        .i2c(.timeout, bus: bus, address: address, message:
            "the transfer timed out; check for a chip holding SDA or SCL low, missing pull-ups, or too long wiring")
    }

    /// The bus device node `path` could not be opened.
    static func busOpenFailed(path: String, errno code: Int32) -> DriverError {
        switch code {
        case ENOENT, ENODEV, ENXIO:
            return .i2c(.busMissing, bus: path, address: nil, message:
                "does not exist; enable I2C (`sudo raspi-config nonint do_i2c 0`, or dtparam=i2c_arm=on in "
                + "/boot/firmware/config.txt), load i2c-dev (`sudo modprobe i2c-dev`, and list it in "
                + "/etc/modules-load.d/), and check the bus number with `i2cdetect -l`")
        case EACCES, EPERM:
            return .i2c(.permissionDenied, bus: path, address: nil, message:
                "is not readable and writable by this user; add the user meterd runs as to the group i2c "
                + "(`sudo usermod -aG i2c USER`, or SupplementaryGroups=i2c in meterd.service)")
        default:
            return .i2c(.systemError(errno: code), bus: path, address: nil, message:
                "cannot be opened: \(String(cString: strerror(code)))")
        }
    }

    /// A transfer to `address` failed with `code`, as the adapter's driver reports it.
    static func transferFailed(errno code: Int32, bus name: String, address: UInt8) -> DriverError {
        switch code {
        // Adapters differ: i2c-bcm2835 says EREMOTEIO, i2c-i801 ENXIO, i2c-stub ENODEV.
        case ENXIO, EREMOTEIO, ENODEV:
            return .noAcknowledge(bus: name, address: address)
        case ETIMEDOUT:
            return .timeout(bus: name, address: address)
        case EBUSY:
            return .i2c(.addressInUse, bus: name, address: address, message:
                "a kernel driver has claimed this address (i2cdetect shows UU); remove the device-tree overlay "
                + "or unbind the driver that owns it")
        default:
            return .i2c(.systemError(errno: code), bus: name, address: address, message:
                "transfer failed: \(String(cString: strerror(code))); check the wiring and the bus speed")
        }
    }

    /// An I2C block read returned fewer bytes than asked for.
    static func shortBlock(expected: Int, received: Int32, bus name: String, address: UInt8) -> DriverError {
        .i2c(.systemError(errno: EIO), bus: name, address: address, message:
            "an I2C block read of \(expected) bytes returned \(received); check the wiring and the bus speed")
    }
}

public enum I2CAddressFormat {
    public static func hex(_ value: some BinaryInteger, digits: Int = 2) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
