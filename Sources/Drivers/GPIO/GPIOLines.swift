/// An output line: logical `true` is "active" (electrically high, or low for an active-low line).
///
/// The only thing Cutoff needs from the hardware; libgpiod and the simulated line implement it.
public protocol OutputLine: Sendable {
    func setActive(_ active: Bool) throws(DriverError)
}

/// An input line, e.g. a contactor's auxiliary contact or a reconnection button.
public protocol InputLine: Sendable {
    func isActive() throws(DriverError) -> Bool
}

/// Requests lines. The request of an output carries its first value, so the line never shows
/// another value in between (no relay chatter at start).
public protocol GPIOLineProvider: Sendable {
    func requestOutput(_ address: GPIOLineAddress, initiallyActive: Bool) throws(DriverError) -> any OutputLine
    func requestInput(_ address: GPIOLineAddress) throws(DriverError) -> any InputLine
}
