import Glibc

/// Why a GPIO line could not be opened, requested, read or set, naming the chip, the line and the fix.
extension DriverError {
    /// The GPIO line `address` failed with `code`; `message` names the fix.
    static func gpio(_ code: GPIOCode, address: GPIOLineAddress, message: String) -> DriverError {
        DriverError(.gpio(code), place: .gpio(address), message: message)
    }

    static func chipOpen(_ address: GPIOLineAddress, errno code: Int32) -> DriverError {
        switch code {
        case EACCES, EPERM:
            return .gpio(.permissionDenied, address: address, message:
                "permission denied; add the service user to group gpio (usermod -aG gpio meterd) and restart meterd")
        case ENOENT, ENODEV, ENOTTY:
            return .gpio(.chipMissing, address: address, message:
                "no such GPIO chip; `gpiodetect` lists the chips by name and label, /dev/gpiochip* are their paths")
        default:
            return .gpio(.systemError(operation: "opening the chip", errno: code), address: address, message:
                "cannot open the chip (\(String(cString: strerror(code))))")
        }
    }

    static func lineMissing(_ address: GPIOLineAddress) -> DriverError {
        .gpio(.lineMissing, address: address, message:
            "the chip has no such line; `gpioinfo` lists each chip's lines with their offsets and names")
    }

    static func lineRequest(_ address: GPIOLineAddress, errno code: Int32, consumer: String?) -> DriverError {
        if code == EBUSY {
            let holder = consumer.map { " (consumer \"\($0)\")" } ?? ""
            return .gpio(.lineBusy(consumer: consumer), address: address, message:
                "the line is held by another process\(holder); is meterd running? (systemctl status meterd; `gpioinfo` shows the holder)")
        }
        if code == EACCES || code == EPERM { return chipOpen(address, errno: code) }
        return .gpio(.systemError(operation: "requesting the line", errno: code), address: address, message:
            "cannot request the line (\(String(cString: strerror(code))))")
    }

    static func lineValue(_ address: GPIOLineAddress, operation: String, errno code: Int32) -> DriverError {
        .gpio(.systemError(operation: operation, errno: code), address: address, message:
            "\(operation) failed (\(String(cString: strerror(code))))")
    }
}
