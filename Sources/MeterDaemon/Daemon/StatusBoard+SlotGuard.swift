import FoundationEssentials

/// The slot guard on the status line and in the metrics (docs/slot-guard.md).
extension StatusBoard {
    /// A report older than this says its age on the status line (the meter is away, say).
    static let slotGuardAgeShown: Double = 30

    /// The guard's short form for STATUS=, or nil while it has said nothing.
    func slotGuardSummary(now: Date) -> String? {
        guard let report = slotGuardReport else { return nil }
        let age = now.timeIntervalSince(report.at)
        return age > Self.slotGuardAgeShown ? "\(report.short) (as of \(Int(age)) s ago)" : report.short
    }

    /// The output's request for STATUS=: "shed requested", or nil while it asks nothing and is written.
    func slotGuardRequestSummary() -> String? {
        guard let (request, written) = slotGuardRequest else { return nil }
        if !written { return "LOAD REQUEST: \(request.rawValue) not written to the output" }
        return request == .none ? nil : "\(request.rawValue) load requested"
    }

    /// The guard's families: its state as a labelled gauge (1 for the state in force), and the open
    /// slot's figures while it is projected.
    func slotGuardMetricLines() -> [String] {
        var lines: [String] = []
        func gauge(_ name: String, _ help: String, _ samples: [(labels: String, value: Double)]) {
            lines.append("# HELP meterd_\(name) \(help)")
            lines.append("# TYPE meterd_\(name) gauge")
            for sample in samples { lines.append("meterd_\(name)\(sample.labels) \(sample.value.plainText)") }
        }
        if let (request, written) = slotGuardRequest {
            gauge("slot_guard_request", "The guard output's request to the site: 1 for the one in force (none, shed or add).",
                  LoadRequest.allCases.map { ("{request=\"\($0.rawValue)\"}", $0 == request ? 1 : 0) })
            gauge("slot_guard_output_written", "1 while the output shows the request in force, 0 while its writes fail.", [("", written ? 1 : 0)])
        }
        guard let report = slotGuardReport else { return lines }
        let states = SlotGuardState.allCases.map(\.rawValue) + SlotGuardReport.Unavailable.allCases.map(\.rawValue)
        gauge("slot_guard_state", "The slot guard's state: 1 for the one in force (a projection's state, or why there is none).",
              states.map { ("{state=\"\(Self.escape($0))\"}", $0 == report.stateName ? 1 : 0) })
        guard let projection = report.projection else { return lines }
        gauge("slot_guard_slot", "The open slot the guard projects.", [("", Double(projection.slot))])
        gauge("slot_guard_energy_watt_hours", "The open slot's energy so far.", [("", projection.energySoFarWattHours)])
        gauge("slot_guard_projection_watt_hours", "The open slot's projected energy at its end, at the recent power.", [("", projection.projectedWattHours)])
        gauge("slot_guard_minimum_watt_hours", "The open slot's interval: its minimum.", [("", projection.interval.minimumWattHours)])
        gauge("slot_guard_maximum_watt_hours", "The open slot's interval: its maximum.", [("", projection.interval.maximumWattHours)])
        gauge("slot_guard_seconds_left", "Seconds until the open slot ends.", [("", projection.secondsLeft)])
        gauge("slot_guard_recent_power_watts", "The recent power the projection uses (median of short stretches of the import register).",
              [("", projection.recentPowerWatts)])
        if let allowed = projection.powerAllowedWatts {
            gauge("slot_guard_power_allowed_watts", "The average power the rest of the slot must stay at or below to end at or under its maximum.",
                  [("", allowed)])
        }
        if projection.powerNeededWatts.isFinite {
            gauge("slot_guard_power_needed_watts", "The average power the rest of the slot must reach to end at or above its minimum.",
                  [("", projection.powerNeededWatts)])
        }
        return lines
    }
}
