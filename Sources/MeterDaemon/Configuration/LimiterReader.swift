import Cutoff

/// The `[limiter]` table.
enum LimiterReader {
    enum Reconnection: String, CaseIterable { case automatic, manual }

    static func read(_ table: TableReader, meters: [String], hasRelay: Bool) -> LimiterConfiguration? {
        defer { table.rejectUnknownKeys() }
        let meter = table.string("meter") ?? meters.first
        let power = table.number("power_threshold_w", in: 1...1e9)
        let current = table.number("current_threshold_a", in: 0.1...100_000)
        let emergencyPower = table.number("emergency_power_threshold_w", in: 1...1e9)
        let emergencyCurrent = table.number("emergency_current_threshold_a", in: 0.1...100_000)
        let minOver = table.number("min_over_threshold_seconds", in: 0...86_400) ?? 30
        let hysteresis = table.number("hysteresis_percent", in: 0...50) ?? 5
        let reconnection = table.choice("reconnection", as: Reconnection.self) ?? .manual
        let minUnder = table.number("min_under_threshold_seconds", in: 0...86_400) ?? 300
        guard hasRelay else {
            table.report(nil, "needs a [relay] table: the limiter trips by opening the relay", fix: "add [relay], or remove [limiter]")
            return nil
        }
        guard let meter, meters.contains(meter) else {
            table.report("meter", "names \"\(meter ?? "")\", which is not a [meters.NAME] table", fix: "name the meter the limiter watches")
            return nil
        }
        if power == nil, current == nil, emergencyPower == nil, emergencyCurrent == nil {
            table.report(nil, "sets no threshold", fix: "add power_threshold_w, current_threshold_a or an emergency threshold")
            return nil
        }
        for (key, emergency, normal) in [("emergency_power_threshold_w", emergencyPower, power), ("emergency_current_threshold_a", emergencyCurrent, current)] {
            if let emergency, let normal, emergency <= normal {
                table.report(key, "is \(emergency), not above the normal threshold \(normal)", fix: "the emergency threshold trips at once, so it must be the higher one")
                return nil
            }
        }
        let settings = LimiterSettings(
            powerThreshold: power, currentThreshold: current, emergencyPowerThreshold: emergencyPower, emergencyCurrentThreshold: emergencyCurrent,
            minOverThresholdSeconds: minOver, hysteresis: hysteresis / 100,
            reconnection: reconnection == .automatic ? .automatic(afterSecondsUnder: minUnder) : .manual)
        return LimiterConfiguration(meter: meter, settings: settings)
    }
}
