import FoundationEssentials

/// Slot boundaries: slot `n` covers `[origin + n·length, origin + (n+1)·length)` on the system clock.
/// The origin and length are the agreement's (its period start and slot length).
struct SlotClock: Sendable, Equatable {
    var origin: Date
    var length: Int

    init(origin: Date, length: Int) {
        precondition(length > 0, "a slot has a positive length")
        self.origin = origin
        self.length = length
    }

    /// The slot that contains `time` (negative before the origin).
    func slot(containing time: Date) -> Int64 {
        Int64((time.timeIntervalSince(origin) / Double(length)).rounded(.down))
    }

    func start(of slot: Int64) -> Date {
        origin.addingTimeInterval(Double(slot) * Double(length))
    }
}
