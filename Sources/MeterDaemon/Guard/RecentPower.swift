import FoundationEssentials

/// The site's recent average power, from the settlement meter's import register rather than its power
/// register: the register is what the slot is settled on, so the projection and the settlement agree.
///
/// The readings of the last `window` seconds are cut into consecutive stretches of at least `stretch`
/// seconds; each stretch gives the register's average power over it, and the estimate is the median of
/// those. A stretch (rather than each pair of readings) because a register counting in whole watt-hours
/// moves by 0, 10 or 20 Wh between two polls one second apart; the median because one stretch with a
/// motor start or a meter hiccup must not move the projection. The reading just before the window is
/// kept, so after a meter outage the first stretch spans it and gives the outage's true average power.
struct RecentPower: Sendable, Equatable {
    let window: Double
    let stretch: Double
    private var readings: [Reading] = []

    private struct Reading: Sendable, Equatable {
        var time: Date
        var milliwattHours: Int64
    }

    init(window: Double = 60, stretch: Double = 10) {
        precondition(window >= stretch && stretch > 0, "the window holds at least one stretch")
        self.window = window
        self.stretch = stretch
    }

    /// The window for a slot: a fifteenth of it (a minute of a quarter-hour slot), at most a minute, or
    /// `window` when configured; at least three polls. Stretches are a sixth of the window and at least
    /// one poll, so the median has several stretches to choose from. A fixed minute would lag a short
    /// slot by most of it; a longer window would lag a quarter-hour slot's changes.
    static func scaled(toSlotSeconds slot: Double, pollSeconds poll: Double, window configured: Double? = nil) -> RecentPower {
        let window = max(configured ?? min(slot / 15, 60), 3 * poll)
        return RecentPower(window: window, stretch: min(window, max(window / 6, poll)))
    }

    /// "over 60 s in stretches of 10 s", for the log.
    var span: String {
        let tenths = { (seconds: Double) in ((seconds * 10).rounded() / 10).plainText }
        return "over \(tenths(window)) s in stretches of \(tenths(stretch)) s"
    }

    mutating func add(time: Date, milliwattHours: Int64) {
        if let last = readings.last, time <= last.time { return }
        readings.append(Reading(time: time, milliwattHours: milliwattHours))
        let cutoff = time.addingTimeInterval(-window)
        // Keep one reading at or before the window's start, as the first stretch's beginning.
        if let firstInside = readings.firstIndex(where: { $0.time > cutoff }), firstInside > 1 {
            readings.removeFirst(firstInside - 1)
        }
    }

    /// After a break in the series (clock no longer trusted): older readings say nothing about now.
    mutating func reset() { readings.removeAll() }

    /// Watts, or nil before two readings.
    var estimate: Double? {
        var powers: [Double] = []
        guard var start = readings.first else { return nil }
        for reading in readings.dropFirst() where reading.time.timeIntervalSince(start.time) >= stretch {
            powers.append(Self.power(from: start, to: reading))
            start = reading
        }
        if powers.isEmpty, let last = readings.last, last.time > start.time { powers.append(Self.power(from: start, to: last)) }
        guard !powers.isEmpty else { return nil }
        powers.sort()
        let middle = powers.count / 2
        return powers.count % 2 == 1 ? powers[middle] : (powers[middle - 1] + powers[middle]) / 2
    }

    private static func power(from a: Reading, to b: Reading) -> Double {
        Double(b.milliwattHours - a.milliwattHours) * 3.6 / b.time.timeIntervalSince(a.time)
    }
}
