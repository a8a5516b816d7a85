import FoundationEssentials

/// Follows the open slot of the settlement meter: fed each settlement reading once the slot aggregator
/// has taken it, it answers with the guard's report. Pure, so the daemon's wiring stays thin.
struct SlotGuard: Sendable, Equatable {
    let intervals: SlotIntervals
    let clock: SlotClock
    let maximumPowerWatts: Double?
    private var power: RecentPower

    init(intervals: SlotIntervals, clock: SlotClock, maximumPowerWatts: Double?, power: RecentPower = RecentPower()) {
        self.intervals = intervals
        self.clock = clock
        self.maximumPowerWatts = maximumPowerWatts
        self.power = power
    }

    /// A reading of the register, with the aggregator's open slot after it.
    mutating func observe(time: Date, milliwattHours: Int64, open: SlotAggregator.OpenSlot?) -> SlotGuardReport {
        power.add(time: time, milliwattHours: milliwattHours)
        guard let open else { return .unavailable(.waiting, at: time) }
        guard let interval = intervals.interval(for: open.index) else { return .unavailable(.beforeAgreement, slot: open.index, at: time) }
        guard let start = open.startEnergyMilliwattHours else { return .unavailable(.slotStartUnknown, slot: open.index, at: time) }
        guard let recent = power.estimate else { return .unavailable(.oneReading, slot: open.index, at: time) }
        return .projection(.project(slot: open.index, clock: clock, at: time, energySoFarWattHours: Double(milliwattHours - start) / 1000,
                                    recentPowerWatts: recent, interval: interval, maximumPowerWatts: maximumPowerWatts))
    }

    /// The clock is not synchronised: no slot is placed, so none is projected, and the readings taken
    /// meanwhile say nothing about the power once it is.
    mutating func clockNotSynchronised(at time: Date) -> SlotGuardReport {
        power.reset()
        return .unavailable(.clockNotSynchronised, at: time)
    }

    /// A settlement reading without the import register: the projection waits for its next value.
    func registerMissing(at time: Date, open: SlotAggregator.OpenSlot?) -> SlotGuardReport {
        .unavailable(.registerMissing, slot: open?.index, at: time)
    }
}
