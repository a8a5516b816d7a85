/// The `[guard]` table (docs/slot-guard.md): on a site without `[chain]`, one interval for every slot;
/// on any site, the highest power it can plausibly draw (for `under-unreachable`).
struct GuardConfiguration: Sendable, Equatable {
    /// nil with `[chain]`: the interval then comes from the agreement's profile.
    var interval: SlotInterval?
    var maximumPowerWatts: Double?
}

enum GuardReader {
    /// The contract keeps each bound as a uint32 below its unmeasured marker.
    static let wattHours: ClosedRange<Double> = 0...4_294_967_294

    static func read(_ table: TableReader, hasChain: Bool) -> GuardConfiguration? {
        defer { table.rejectUnknownKeys() }
        let minimum = table.number("slot_min_wh", in: wattHours)
        let maximum = table.number("slot_max_wh", in: wattHours)
        let power = table.number("max_power_w", in: 1...1e9)
        let bounds = table.has("slot_min_wh") || table.has("slot_max_wh")
        if hasChain {
            if bounds {
                table.report(table.has("slot_min_wh") ? "slot_min_wh" : "slot_max_wh",
                             "is set, but with [chain] each slot's interval comes from the agreement's profile",
                             fix: "remove slot_min_wh and slot_max_wh from [guard]")
                return nil
            }
            return GuardConfiguration(interval: nil, maximumPowerWatts: power)
        }
        if !bounds {
            table.report(nil, "sets no interval, and without [chain] there is no agreement to take it from",
                         fix: "add slot_min_wh and slot_max_wh, or remove [guard]")
            return nil
        }
        for (key, value) in [("slot_min_wh", minimum), ("slot_max_wh", maximum)] where !table.has(key) && value == nil {
            table.report(key, "is missing", fix: "set both slot_min_wh and slot_max_wh (Wh per slot)")
        }
        guard let minimum, let maximum else { return nil }
        guard minimum <= maximum else {
            table.report("slot_max_wh", "is \(SlotGuardFormat.number(maximum)), below slot_min_wh \(SlotGuardFormat.number(minimum))",
                         fix: "the interval is slot_min_wh ≤ consumption ≤ slot_max_wh")
            return nil
        }
        return GuardConfiguration(interval: SlotInterval(minimumWattHours: minimum, maximumWattHours: maximum), maximumPowerWatts: power)
    }
}

enum SlotGuardFormat {
    /// 2000 rather than 2000.0 for whole numbers.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
