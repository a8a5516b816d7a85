/// The local limiter's thresholds (after DLMS/COSEM interface class 71).
public struct LimiterSettings: Sendable, Equatable {
    /// Trips when total active power stays above it for `minOverThresholdSeconds` (W).
    var powerThreshold: Double?
    /// Trips when any phase current stays above it for `minOverThresholdSeconds` (A).
    var currentThreshold: Double?
    /// Trips on the first reading above it (W).
    var emergencyPowerThreshold: Double?
    /// Trips on the first reading with a phase current above it (A).
    var emergencyCurrentThreshold: Double?
    var minOverThresholdSeconds: Double
    /// A value counts as back under its threshold only below threshold × (1 − hysteresis).
    var hysteresis: Double
    var reconnection: LimiterReconnection

    public init(powerThreshold: Double? = nil, currentThreshold: Double? = nil, emergencyPowerThreshold: Double? = nil,
                emergencyCurrentThreshold: Double? = nil, minOverThresholdSeconds: Double = 30, hysteresis: Double = 0.05,
                reconnection: LimiterReconnection = .manual) {
        self.powerThreshold = powerThreshold
        self.currentThreshold = currentThreshold
        self.emergencyPowerThreshold = emergencyPowerThreshold
        self.emergencyCurrentThreshold = emergencyCurrentThreshold
        self.minOverThresholdSeconds = minOverThresholdSeconds
        self.hysteresis = hysteresis
        self.reconnection = reconnection
    }
}

/// How the limiter lets the supply back after a trip.
public enum LimiterReconnection: Sendable, Equatable {
    /// After every monitored value has stayed under its threshold (less hysteresis) this long.
    case automatic(afterSecondsUnder: Double)
    /// Only by a local reconnection (the button or `meterd relay close`).
    case manual
}
