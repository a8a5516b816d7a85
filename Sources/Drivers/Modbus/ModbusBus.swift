import Dispatch
import Glibc
import Logging

/// One physical bus (a serial line or one TCP connection) with every unit id on it.
///
/// All transactions run one after another on the bus's own serial queue, which is what keeps two
/// meters on one RS-485 line from talking over each other. Before each request the bus keeps the
/// inter-frame silence (3.5 characters on RTU; libmodbus does not) and, when the request goes to
/// another unit id than the last one, the configured unit-switch pause that many meters need.
/// Timeouts and garbled answers are retried with backoff; a lost connection is reopened.
public final class ModbusBus: @unchecked Sendable {
    // Every stored property below `queue` is touched only on `queue`.
    private let queue: DispatchQueue
    private let link: ModbusLink
    private var lastUnit: UInt8?
    private var lastFrameEnd: Double = 0
    private var transactions = 0

    public let endpoint: ModbusEndpoint
    let timing: BusTiming
    private let logger: Logger

    public init(endpoint: ModbusEndpoint, timing: BusTiming, logger: Logger = Logger(label: "meterd.modbus")) throws(DriverError) {
        self.endpoint = endpoint
        self.timing = timing
        self.link = try ModbusLink(endpoint: endpoint, timing: timing)
        var logger = logger
        logger[metadataKey: "bus"] = "\(endpoint)"
        self.logger = logger
        self.queue = DispatchQueue(label: "meterd.modbus.\(endpoint)")
    }

    /// Reads `count` registers starting at `address` from `unit`, with the bus's retries.
    public func read(_ function: RegisterFunction, unit: UInt8, address: UInt16, count: Int) async throws(DriverError) -> [UInt16] {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<[UInt16], DriverError>, Never>) in
            queue.async {
                continuation.resume(returning: Result { () throws(DriverError) in
                    try self.readWithRetries(function, unit: unit, address: address, count: count)
                })
            }
        }
        return try result.get()
    }

    /// Sets or clears one coil of `unit` (function 5), on the bus's serialised access with its
    /// retries, like a read. A write is idempotent, so a retry after a lost answer does no harm.
    public func writeCoil(unit: UInt8, address: UInt16, on: Bool) async throws(DriverError) {
        try await onQueue { () throws(DriverError) in
            try self.withRetries(unit: unit, address: address) { () throws(DriverError) in try self.link.writeCoil(unit: unit, address: address, on: on) }
        }
    }

    /// Reads `count` coils from `address` of `unit` (function 1), with the bus's retries.
    func readCoils(unit: UInt8, address: UInt16, count: Int) async throws(DriverError) -> [Bool] {
        try await onQueue { () throws(DriverError) in
            try self.withRetries(unit: unit, address: address) { () throws(DriverError) in try self.link.readCoils(unit: unit, address: address, count: count) }
        }
    }

    private func onQueue<Value: Sendable>(_ work: @escaping @Sendable () throws(DriverError) -> Value) async throws(DriverError) -> Value {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Value, DriverError>, Never>) in
            queue.async { continuation.resume(returning: Result { () throws(DriverError) in try work() }) }
        }
        return try result.get()
    }

    /// Requests put on the wire so far, retries included.
    var transactionCount: Int { queue.sync { transactions } }

    public func close() {
        queue.sync { link.close() }
    }

    private func readWithRetries(_ function: RegisterFunction, unit: UInt8, address: UInt16, count: Int) throws(DriverError) -> [UInt16] {
        try withRetries(unit: unit, address: address) { () throws(DriverError) in
            try link.readRegisters(function, unit: unit, address: address, count: count)
        }
    }

    /// One transaction with the bus's silence, retries, backoff and recovery. Runs on `queue`.
    private func withRetries<Value>(unit: UInt8, address: UInt16, _ transaction: () throws(DriverError) -> Value) throws(DriverError) -> Value {
        var lastError = DriverError.timeout(unit: unit)
        for attempt in 0...max(0, timing.retries) {
            if attempt > 0 {
                pause(timing.backoff(beforeRetry: attempt))
                logger.debug("retrying", metadata: ["unit": "\(unit)", "address": "\(address)", "attempt": "\(attempt)", "error": "\(lastError)"])
            }
            do {
                try link.connect()
                keepSilence(before: unit)
                transactions += 1
                defer { markFrameEnd(unit: unit) }
                return try transaction()
            } catch {
                lastError = error
                recover(from: error)
                guard error.isRetryable else { throw error }
            }
        }
        throw lastError
    }

    private func recover(from error: DriverError) {
        switch error.code {
        case .modbus(.connectionLost), .modbus(.connectionRefused):
            link.close()
        case .modbus(.timeout), .modbus(.badFrame):
            // A late or broken answer may still be arriving, and behind it the answers to every
            // request a hung meter queued: none may be taken for the answer to the next request.
            // On TCP a new connection carries none of them (a flush only drops what has arrived,
            // so each poll met the next stale answer); on a serial line, let the frame finish and drop it.
            if case .tcp = endpoint {
                link.close()
            } else {
                pause(silence)
                link.flush()
            }
        default:
            break
        }
    }

    private var silence: Double {
        if let delay = timing.frameDelay { return delay }
        if case .rtu(let serial) = endpoint { return serial.interFrameSilence }
        return 0
    }

    private func keepSilence(before unit: UInt8) {
        var wait = silence
        if let lastUnit, lastUnit != unit { wait += timing.unitSwitchDelay }
        let remaining = lastFrameEnd + wait - Self.now()
        if remaining > 0 { pause(remaining) }
    }

    private func markFrameEnd(unit: UInt8) {
        lastUnit = unit
        lastFrameEnd = Self.now()
    }

    private func pause(_ seconds: Double) {
        guard seconds > 0 else { return }
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }

    private static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
