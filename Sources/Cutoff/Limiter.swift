import Drivers
import FoundationEssentials

/// The local limiter as a pure value: fed every reading of the monitored meter, it says when to
/// trip and, with automatic reconnection, when the trip clears. Time comes from the readings.
///
/// Over a threshold means above it; under means below threshold × (1 − hysteresis); in between
/// neither starts nor ends an over-threshold run, so a load hovering at the threshold does not reset
/// the timer or chatter the relay.
struct Limiter: Sendable, Equatable {
    private(set) var settings: LimiterSettings
    /// Since when a value has been over its threshold, in the current run.
    private(set) var overSince: Date?
    /// Since when every value has been under, after a trip.
    private(set) var underSince: Date?
    private(set) var tripped = false

    init(settings: LimiterSettings) {
        self.settings = settings
    }

    mutating func evaluate(_ reading: Reading) -> LimiterEvent? {
        let checks = LimiterCheck.all(in: reading, settings: settings)
        if !tripped, let emergency = checks.first(where: \.overEmergency) {
            return trip(LimiterTrip(check: emergency, emergency: true, overSeconds: 0))
        }
        let over = checks.first(where: \.over)
        let allUnder = !checks.isEmpty && checks.allSatisfy(\.under)
        if tripped {
            guard case .automatic(let needed) = settings.reconnection else { return nil }
            guard allUnder else { underSince = nil; return nil }
            let since = underSince ?? reading.time
            underSince = since
            let seconds = reading.time.timeIntervalSince(since)
            guard seconds >= needed else { return nil }
            tripped = false
            underSince = nil
            overSince = nil
            return .cleared(LimiterClear(underSeconds: seconds))
        }
        if let over {
            let since = overSince ?? reading.time
            overSince = since
            let seconds = reading.time.timeIntervalSince(since)
            if seconds >= settings.minOverThresholdSeconds {
                return trip(LimiterTrip(check: over, emergency: false, overSeconds: seconds))
            }
        } else if allUnder {
            overSince = nil
        }
        return nil
    }

    /// A local reconnection lifts the trip; the limiter watches afresh.
    /// New thresholds (a configuration reload): a trip in force stays in force; the over and
    /// under timers start again, since they counted against the old thresholds.
    mutating func update(settings: LimiterSettings) {
        self.settings = settings
        overSince = nil
        underSince = nil
    }

    mutating func reset() {
        tripped = false
        overSince = nil
        underSince = nil
    }

    private mutating func trip(_ trip: LimiterTrip) -> LimiterEvent {
        tripped = true
        overSince = nil
        underSince = nil
        return .trip(trip)
    }
}

enum LimiterEvent: Sendable, Equatable {
    case trip(LimiterTrip)
    case cleared(LimiterClear)
}

/// Why the limiter tripped.
public struct LimiterTrip: Sendable, Equatable, CustomStringConvertible {
    /// "total active power" or "current L2".
    var monitored: String
    var value: Double
    var threshold: Double
    var unit: String
    var emergency: Bool
    var overSeconds: Double

    public var description: String {
        let value = "\(monitored) \(LimiterCheck.format(value)) \(unit)"
        if emergency { return "emergency trip: \(value) over the emergency threshold \(LimiterCheck.format(threshold)) \(unit)" }
        return "trip: \(value) over \(LimiterCheck.format(threshold)) \(unit) for \(LimiterCheck.format(overSeconds)) s"
    }

    init(check: LimiterCheck, emergency: Bool, overSeconds: Double) {
        monitored = check.monitored
        value = check.value
        threshold = emergency ? check.emergencyThreshold ?? check.value : check.threshold ?? check.value
        unit = check.unit
        self.emergency = emergency
        self.overSeconds = overSeconds
    }

    init(monitored: String, value: Double, threshold: Double, unit: String, emergency: Bool, overSeconds: Double) {
        self.monitored = monitored
        self.value = value
        self.threshold = threshold
        self.unit = unit
        self.emergency = emergency
        self.overSeconds = overSeconds
    }
}

/// The limiter's automatic reconnection rule was met.
public struct LimiterClear: Sendable, Equatable, CustomStringConvertible {
    var underSeconds: Double
    init(underSeconds: Double) { self.underSeconds = underSeconds }
    public var description: String { "cleared: under every threshold for \(LimiterCheck.format(underSeconds)) s" }
}
