import Drivers
import FoundationEssentials

/// One monitored value of a reading against its thresholds.
struct LimiterCheck {
    var monitored: String
    var value: Double
    var unit: String
    var threshold: Double?
    var emergencyThreshold: Double?
    var hysteresis: Double

    var over: Bool { threshold.map { value > $0 } ?? false }
    var overEmergency: Bool { emergencyThreshold.map { value > $0 } ?? false }
    /// Under the normal threshold less hysteresis (a value with only an emergency threshold is
    /// judged against that one).
    var under: Bool {
        guard let limit = threshold ?? emergencyThreshold else { return true }
        return value < limit * (1 - hysteresis)
    }

    static func all(in reading: Reading, settings: LimiterSettings) -> [LimiterCheck] {
        var checks: [LimiterCheck] = []
        if settings.powerThreshold != nil || settings.emergencyPowerThreshold != nil,
           let power = reading.values[.activePowerTotal] {
            checks.append(LimiterCheck(monitored: "total active power", value: power, unit: "W", threshold: settings.powerThreshold,
                                       emergencyThreshold: settings.emergencyPowerThreshold, hysteresis: settings.hysteresis))
        }
        if settings.currentThreshold != nil || settings.emergencyCurrentThreshold != nil {
            for (quantity, phase) in [(Quantity.currentL1, "L1"), (.currentL2, "L2"), (.currentL3, "L3")] {
                guard let current = reading.values[quantity] else { continue }
                checks.append(LimiterCheck(monitored: "current \(phase)", value: current, unit: "A", threshold: settings.currentThreshold,
                                           emergencyThreshold: settings.emergencyCurrentThreshold, hysteresis: settings.hysteresis))
            }
        }
        return checks
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : decimalText(value, fractionDigits: 1)
    }
}
