import Drivers
import FoundationEssentials

/// Observed state apart from commanded state: after an ordered disconnect the current must fall below
/// a level within a time, or the contactor's auxiliary contact must report open; otherwise the
/// "cutoff not effective" alarm. Pure: time comes from the observations, so a verdict needs an
/// observation after the deadline (readings arrive every poll interval).
public struct CutoffEffectiveness: Sendable, Equatable {
    public struct Settings: Sendable, Equatable {
        /// Every phase current must fall below this (A); nil when the meter is not upstream of the contactor.
        var currentLevel: Double?
        var withinSeconds: Double
        public init(currentLevel: Double?, withinSeconds: Double) {
            self.currentLevel = currentLevel
            self.withinSeconds = withinSeconds
        }
    }

    enum Observation: Sendable, Equatable {
        case reading(Reading)
        /// The auxiliary contact: whether the contactor's main contacts are closed.
        case feedback(supplyConnected: Bool, at: Date)
    }

    enum Verdict: Sendable, Equatable {
        case effective(String)
        case notEffective(String)
    }

    let settings: Settings
    /// When the disconnect was ordered; nil while the supply is commanded connected or the cutoff was seen effective.
    private(set) var orderedAt: Date?
    private(set) var alarm = false

    init(settings: Settings) { self.settings = settings }

    mutating func disconnectOrdered(at time: Date) {
        orderedAt = time
        alarm = false
    }

    mutating func reconnectOrdered() {
        orderedAt = nil
        alarm = false
    }

    mutating func observe(_ observation: Observation) -> Verdict? {
        guard let orderedAt else { return nil }
        let live: (Bool, String, Date)?
        switch observation {
        case .reading(let reading):
            guard let level = settings.currentLevel else { return nil }
            let currents = [Quantity.currentL1, .currentL2, .currentL3, .dcCurrent].compactMap { quantity in
                reading.values[quantity].map { (quantity, abs($0)) }
            }
            guard let highest = currents.max(by: { $0.1 < $1.1 }) else { return nil }
            live = (highest.1 >= level, "\(highest.0.rawValue) \(LimiterCheck.format(highest.1)) A (level \(LimiterCheck.format(level)) A)", reading.time)
        case .feedback(let connected, let time):
            live = (connected, connected ? "auxiliary contact reports the contactor closed" : "auxiliary contact reports the contactor open", time)
        }
        guard let (isLive, detail, time) = live else { return nil }
        let elapsed = time.timeIntervalSince(orderedAt)
        if !isLive {
            self.orderedAt = nil
            alarm = false
            return .effective("\(detail) \(LimiterCheck.format(max(0, elapsed))) s after the disconnect")
        }
        guard !alarm, elapsed >= settings.withinSeconds else { return nil }
        alarm = true
        return .notEffective("\(detail) \(LimiterCheck.format(elapsed)) s after the disconnect (allowed: \(LimiterCheck.format(settings.withinSeconds)) s)")
    }
}
