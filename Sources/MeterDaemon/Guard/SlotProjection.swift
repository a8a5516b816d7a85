import FoundationEssentials

/// The open slot against its interval at one reading of the settlement register: a pure value,
/// computed by `project` (docs/slot-guard.md).
struct SlotProjection: Sendable, Equatable, Codable {
    var slot: Int64
    var slotStart: Date
    var slotEnd: Date
    /// The reading this projection is made at.
    var at: Date
    var energySoFarWattHours: Double
    var secondsLeft: Double
    var recentPowerWatts: Double
    var projectedWattHours: Double
    var interval: SlotInterval
    var state: SlotGuardState
    /// The average power the rest of the slot must stay at or below to end at or under the maximum;
    /// nil once the maximum is passed.
    var powerAllowedWatts: Double?
    /// The average power the rest of the slot must reach to end at or above the minimum (0 once reached).
    var powerNeededWatts: Double

    /// `maximumPowerWatts` is the site's highest plausible power; without it, `under-unreachable` is
    /// only said once no time is left.
    static func project(slot: Int64, clock: SlotClock, at time: Date, energySoFarWattHours energy: Double,
                               recentPowerWatts power: Double, interval: SlotInterval, maximumPowerWatts: Double?) -> SlotProjection {
        let end = clock.start(of: slot + 1)
        let left = max(0, end.timeIntervalSince(time))
        // Watt-hours = watts · seconds / 3600, written so whole numbers stay exact.
        let projected = energy + max(0, power) * left / 3600
        let allowed = energy > interval.maximumWattHours ? nil : (left > 0 ? (interval.maximumWattHours - energy) * 3600 / left : 0)
        let missing = max(0, interval.minimumWattHours - energy)
        let needed = missing == 0 ? 0 : (left > 0 ? missing * 3600 / left : .infinity)
        let reachable = left > 0 ? energy + (maximumPowerWatts ?? .infinity) * left / 3600 : energy
        let state: SlotGuardState
        if energy > interval.maximumWattHours {
            state = .over
        } else if reachable < interval.minimumWattHours {
            state = .underUnreachable
        } else if projected > interval.maximumWattHours {
            state = .headingOver
        } else if projected < interval.minimumWattHours {
            state = .headingUnder
        } else {
            state = .inside
        }
        return SlotProjection(slot: slot, slotStart: clock.start(of: slot), slotEnd: end, at: time, energySoFarWattHours: energy, secondsLeft: left, recentPowerWatts: power,
                              projectedWattHours: projected, interval: interval, state: state, powerAllowedWatts: allowed,
                              powerNeededWatts: needed)
    }

    /// What the site should do, for a person: "keep below 41.2 kW for the next 6 min 10 s".
    var advice: String {
        let rest = "for the next \(Self.duration(secondsLeft))"
        switch state {
        case .over:
            return "the maximum of \(Self.energy(interval.maximumWattHours)) is passed: this slot is outside its interval whatever the site does"
        case .underUnreachable:
            return "the minimum of \(Self.energy(interval.minimumWattHours)) cannot be reached: it needs \(Self.power(powerNeededWatts)) \(rest), "
                + "more than the site can draw"
        case .headingOver:
            return "keep below \(Self.power(powerAllowedWatts ?? 0)) \(rest) (now \(Self.power(recentPowerWatts)))"
        case .headingUnder:
            return "draw at least \(Self.power(powerNeededWatts)) \(rest) (now \(Self.power(recentPowerWatts)))"
        case .inside:
            let below = "keep below \(Self.power(powerAllowedWatts ?? 0))"
            return powerNeededWatts > 0 ? "draw between \(Self.power(powerNeededWatts)) and \(Self.power(powerAllowedWatts ?? 0)) \(rest)"
                                        : "\(below) \(rest)"
        }
    }

    static func power(_ watts: Double) -> String {
        guard watts.isFinite else { return "unbounded power" }
        return abs(watts) >= 1000 ? "\(Self.oneDecimal(watts / 1000)) kW" : "\(Int(watts.rounded())) W"
    }

    static func energy(_ wattHours: Double) -> String {
        abs(wattHours) >= 1000 ? "\(Self.oneDecimal(wattHours / 1000)) kWh" : "\(Int(wattHours.rounded())) Wh"
    }

    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.down))
        let (minutes, rest) = whole.quotientAndRemainder(dividingBy: 60)
        return minutes > 0 ? "\(minutes) min \(rest) s" : "\(rest) s"
    }

    private static func oneDecimal(_ value: Double) -> String {
        let tenths = Int64((value * 10).rounded())
        let (whole, fraction) = abs(tenths).quotientAndRemainder(dividingBy: 10)
        return "\(tenths < 0 ? "-" : "")\(whole).\(fraction)"
    }
}
