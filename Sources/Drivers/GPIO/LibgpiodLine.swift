import CGpiod
import Glibc

/// GPIO lines through libgpiod 1.6 (the API Debian 12 and Raspberry Pi OS 12 ship), consumer "meterd".
///
/// A requested line belongs to this process: when it exits, the kernel releases the line and it
/// returns to its default, which the relay wiring makes the deliberate fail state.
public struct LibgpiodLineProvider: GPIOLineProvider {
    static let consumer = "meterd"

    public init() {}

    public func requestOutput(_ address: GPIOLineAddress, initiallyActive: Bool) throws(DriverError) -> any OutputLine {
        try LibgpiodLine(address, direction: .output(initiallyActive: initiallyActive))
    }

    public func requestInput(_ address: GPIOLineAddress) throws(DriverError) -> any InputLine {
        try LibgpiodLine(address, direction: .input)
    }
}

/// One requested line; owns its chip handle and releases both when it goes away.
final class LibgpiodLine: OutputLine, InputLine, @unchecked Sendable {
    enum Direction { case input, output(initiallyActive: Bool) }

    let address: GPIOLineAddress
    // libgpiod handles are not thread-safe: every call goes through this lock.
    private let handles: Locked<(chip: OpaquePointer, line: OpaquePointer)>

    init(_ address: GPIOLineAddress, direction: Direction) throws(DriverError) {
        self.address = address
        errno = 0
        guard let chip = gpiod_chip_open_lookup(address.chip) else {
            throw DriverError.chipOpen(address, errno: errno == 0 ? ENOENT : errno)
        }
        let found: OpaquePointer?
        switch address.line {
        case .offset(let offset): found = gpiod_chip_get_line(chip, offset)
        case .name(let name): found = gpiod_chip_find_line(chip, name)
        }
        guard let line = found else {
            gpiod_chip_close(chip)
            throw DriverError.lineMissing(address)
        }
        let flags = address.activeLow ? Int32(GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW) : 0
        let result: Int32
        switch direction {
        case .input:
            result = gpiod_line_request_input_flags(line, LibgpiodLineProvider.consumer, flags)
        case .output(let active):
            result = gpiod_line_request_output_flags(line, LibgpiodLineProvider.consumer, flags, active ? 1 : 0)
        }
        guard result == 0 else {
            let code = errno
            _ = gpiod_line_update(line)
            let consumer = gpiod_line_consumer(line).map { String(cString: $0) }
            gpiod_chip_close(chip)
            throw DriverError.lineRequest(address, errno: code, consumer: consumer)
        }
        handles = Locked((chip, line))
    }

    deinit {
        handles.withLock { handles in
            gpiod_line_release(handles.line)
            gpiod_chip_close(handles.chip)
        }
    }

    func setActive(_ active: Bool) throws(DriverError) {
        try handles.withLock { (handles) throws(DriverError) in
            guard gpiod_line_set_value(handles.line, active ? 1 : 0) == 0 else {
                throw DriverError.lineValue(address, operation: "setting the line", errno: errno)
            }
        }
    }

    func isActive() throws(DriverError) -> Bool {
        try handles.withLock { (handles) throws(DriverError) -> Bool in
            let value = gpiod_line_get_value(handles.line)
            guard value >= 0 else { throw DriverError.lineValue(address, operation: "reading the line", errno: errno) }
            return value == 1
        }
    }
}
