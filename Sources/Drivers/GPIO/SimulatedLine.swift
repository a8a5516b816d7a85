import FoundationEssentials
import Glibc

/// A line in memory that records every value it was set to, with the instant it was set: what
/// tests and benchmarks check the relay against. The first record is the value it was requested with.
public final class SimulatedLine: OutputLine, InputLine, @unchecked Sendable {
    public struct Change: Sendable, Equatable {
        var active: Bool
        public var at: ContinuousClock.Instant
    }

    public let address: GPIOLineAddress
    private let state: Locked<(changes: [Change], failure: DriverError?, failingWrites: (count: Int, error: DriverError)?)>

    public init(address: GPIOLineAddress = GPIOLineAddress(chip: "simulated", line: .offset(0)), initiallyActive: Bool) {
        self.address = address
        state = Locked(([Change(active: initiallyActive, at: .now)], nil, nil))
    }

    /// Every value in order, the requested one first.
    public var changes: [Change] { state.withLock { $0.changes } }
    public var values: [Bool] { changes.map(\.active) }
    public var current: Bool { state.withLock { $0.changes[$0.changes.count - 1].active } }

    /// Makes every following set or read fail, as a line whose chip went away.
    func fail(with error: DriverError?) { state.withLock { $0.failure = error } }

    /// Makes the next `count` sets fail with `error` (reads still answer), as a driver that
    /// refuses a few writes and then recovers.
    func failNextWrites(_ count: Int, with error: DriverError) { state.withLock { $0.failingWrites = (count, error) } }

    public func setActive(_ active: Bool) throws(DriverError) {
        try state.withLock { (state) throws(DriverError) in
            if let failure = state.failure { throw failure }
            if let failing = state.failingWrites, failing.count > 0 {
                state.failingWrites = (failing.count - 1, failing.error)
                throw failing.error
            }
            state.changes.append(Change(active: active, at: .now))
        }
    }

    public func isActive() throws(DriverError) -> Bool {
        try state.withLock { (state) throws(DriverError) -> Bool in
            if let failure = state.failure { throw failure }
            return state.changes[state.changes.count - 1].active
        }
    }
}

/// Hands out simulated lines, or refuses as the kernel would when another process holds one.
public final class SimulatedLineProvider: GPIOLineProvider, @unchecked Sendable {
    private let state = Locked<(lines: [SimulatedLine], busy: Bool)>(([], false))

    public init() {}

    /// Makes every request fail with EBUSY, as when `meterd run` or `gpioset` holds the line.
    func holdElsewhere(_ busy: Bool) { state.withLock { $0.busy = busy } }

    /// Every line requested so far, in order.
    var lines: [SimulatedLine] { state.withLock { $0.lines } }

    public func requestOutput(_ address: GPIOLineAddress, initiallyActive: Bool) throws(DriverError) -> any OutputLine {
        try request(address, initiallyActive: initiallyActive)
    }

    public func requestInput(_ address: GPIOLineAddress) throws(DriverError) -> any InputLine {
        try request(address, initiallyActive: false)
    }

    private func request(_ address: GPIOLineAddress, initiallyActive: Bool) throws(DriverError) -> SimulatedLine {
        try state.withLock { (state) throws(DriverError) -> SimulatedLine in
            if state.busy { throw DriverError.lineRequest(address, errno: EBUSY, consumer: "meterd") }
            let line = SimulatedLine(address: address, initiallyActive: initiallyActive)
            state.lines.append(line)
            return line
        }
    }
}
