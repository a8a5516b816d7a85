import Glibc

/// Why a GPIO line could not be opened, requested, read or set, naming the chip, the line and the fix.
public struct GPIOError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
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

    public let code: Code
    public let address: GPIOLineAddress
    public let message: String

    init(_ code: Code, address: GPIOLineAddress, message: String) {
        self.code = code
        self.address = address
        self.message = message
    }

    public var description: String { "\(address): \(message)" }

    public var isLineBusy: Bool {
        if case .lineBusy = code { return true }
        return false
    }

    static func chipOpen(_ address: GPIOLineAddress, errno code: Int32) -> GPIOError {
        switch code {
        case EACCES, EPERM:
            return GPIOError(.permissionDenied, address: address, message:
                "permission denied; add the service user to group gpio (usermod -aG gpio meterd) and restart meterd")
        case ENOENT, ENODEV, ENOTTY:
            return GPIOError(.chipMissing, address: address, message:
                "no such GPIO chip; `gpiodetect` lists the chips by name and label, /dev/gpiochip* are their paths")
        default:
            return GPIOError(.systemError(operation: "opening the chip", errno: code), address: address, message:
                "cannot open the chip (\(String(cString: strerror(code))))")
        }
    }

    static func lineMissing(_ address: GPIOLineAddress) -> GPIOError {
        GPIOError(.lineMissing, address: address, message:
            "the chip has no such line; `gpioinfo` lists each chip's lines with their offsets and names")
    }

    static func request(_ address: GPIOLineAddress, errno code: Int32, consumer: String?) -> GPIOError {
        if code == EBUSY {
            let holder = consumer.map { " (consumer \"\($0)\")" } ?? ""
            return GPIOError(.lineBusy(consumer: consumer), address: address, message:
                "the line is held by another process\(holder); is meterd running? (systemctl status meterd; `gpioinfo` shows the holder)")
        }
        if code == EACCES || code == EPERM { return chipOpen(address, errno: code) }
        return GPIOError(.systemError(operation: "requesting the line", errno: code), address: address, message:
            "cannot request the line (\(String(cString: strerror(code))))")
    }

    static func value(_ address: GPIOLineAddress, operation: String, errno code: Int32) -> GPIOError {
        GPIOError(.systemError(operation: operation, errno: code), address: address, message:
            "\(operation) failed (\(String(cString: strerror(code))))")
    }
}
