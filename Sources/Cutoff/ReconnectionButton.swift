import FoundationEssentials

/// The local reconnection button, sampled by the daemon: a press counts once it has been held for
/// `holdSeconds` (so a knock or contact bounce does not reconnect a site), and once per press.
public struct ReconnectionButton: Sendable, Equatable {
    let holdSeconds: Double
    private(set) var pressedSince: Date?
    private(set) var fired = false

    public init(holdSeconds: Double = 1) { self.holdSeconds = holdSeconds }

    /// One sample of the input; true exactly once per press held long enough.
    public mutating func sample(pressed: Bool, at time: Date) -> Bool {
        guard pressed else {
            pressedSince = nil
            fired = false
            return false
        }
        let since = pressedSince ?? time
        pressedSince = since
        guard !fired, time.timeIntervalSince(since) >= holdSeconds else { return false }
        fired = true
        return true
    }
}
