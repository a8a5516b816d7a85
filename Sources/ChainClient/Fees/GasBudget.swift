/// Gas spent in one UTC day, against the daily budget. Persisted with the pending transactions.
public struct GasBudget: Sendable, Codable, Equatable {
    /// Days since 1970-01-01 UTC.
    var day: Int64
    var used: UInt64

    init(day: Int64 = 0, used: UInt64 = 0) {
        self.day = day
        self.used = used
    }

    static func day(of unixTime: Double) -> Int64 { Int64((unixTime / 86_400).rounded(.down)) }

    /// Start of the next UTC day, as Unix time.
    static func nextDay(after unixTime: Double) -> Double { Double(day(of: unixTime) + 1) * 86_400 }

    /// Takes `gas` from today's budget, or says when there will be room again.
    mutating func reserve(_ gas: UInt64, limit: UInt64, now: Double) -> Double? {
        rollOver(now: now)
        guard used <= limit, gas <= limit - used else { return Self.nextDay(after: now) }
        used += gas
        return nil
    }

    /// Gives back what a mined transaction did not use (the reservation was its gas limit).
    mutating func release(_ gas: UInt64, reservedOn reservationDay: Int64) {
        guard reservationDay == day else { return }
        used -= min(gas, used)
    }

    mutating func rollOver(now: Double) {
        let today = Self.day(of: now)
        if today != day {
            day = today
            used = 0
        }
    }
}
