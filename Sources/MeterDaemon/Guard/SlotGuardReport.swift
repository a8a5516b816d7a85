import FoundationEssentials

/// What the guard knows of the open slot at one reading: a projection, or why there is none. The daemon
/// publishes it (`SlotGuardPublication`) for `meterd slot`, the status line and the metrics.
struct SlotGuardReport: Sendable, Equatable, Codable {
    /// Why there is no projection; its raw value is the state's name in the log, the file and the metrics.
    enum Unavailable: String, Sendable, Codable, CaseIterable {
        /// meterd has started and the settlement meter has not been read yet.
        case waiting = "waiting-for-readings"
        case clockNotSynchronised = "clock-not-synchronised"
        /// The open slot began before the first reading meterd could place in it.
        case slotStartUnknown = "slot-start-unknown"
        /// The recent power needs two readings.
        case oneReading = "one-reading"
        case registerMissing = "register-missing"
        /// The open slot lies before the agreement's first slot.
        case beforeAgreement = "before-agreement"
    }

    var at: Date
    /// The open slot, when one is placed.
    var slot: Int64?
    var projection: SlotProjection?
    var unavailable: Unavailable?

    static func projection(_ projection: SlotProjection) -> SlotGuardReport {
        SlotGuardReport(at: projection.at, slot: projection.slot, projection: projection, unavailable: nil)
    }

    static func unavailable(_ reason: Unavailable, slot: Int64? = nil, at time: Date) -> SlotGuardReport {
        SlotGuardReport(at: time, slot: slot, projection: nil, unavailable: reason)
    }

    /// The state's name, or why there is none: what a change is logged on.
    var stateName: String { projection?.state.rawValue ?? unavailable?.rawValue ?? "unknown" }

    /// For a person: the advice, or why there is none.
    var explanation: String {
        if let projection { return projection.advice }
        switch unavailable {
        case .waiting?, nil:
            return "no reading of the settlement meter's import register yet"
        case .clockNotSynchronised?:
            return "the system clock is not synchronised: no slot is open, so none is projected"
        case .slotStartUnknown?:
            return "the open slot began before the first reading meterd could place in it (a start without a journaled slot, or the clock just "
                + "synchronised): its energy so far is unknown, and it closes unmeasured; the next slot is projected"
        case .oneReading?:
            return "one reading of the register in this series so far: the recent power needs two"
        case .registerMissing?:
            return "the settlement meter's import register gives no value: no projection until it reads again"
        case .beforeAgreement?:
            return "the open slot lies before the agreement's first slot: it has no interval"
        }
    }

    /// One short phrase for systemd's STATUS= line: "slot 1234 heading-over: keep below 41.2 kW for the next 6 min 10 s".
    var short: String {
        guard let projection else { return "slot guard: \(stateName.replacing("-", with: " "))" }
        switch projection.state {
        case .headingOver:
            return "slot \(projection.slot) heading-over: keep below \(SlotProjection.power(projection.powerAllowedWatts ?? 0)) "
                + "for \(SlotProjection.duration(projection.secondsLeft))"
        case .headingUnder:
            return "slot \(projection.slot) heading-under: draw at least \(SlotProjection.power(projection.powerNeededWatts)) "
                + "for \(SlotProjection.duration(projection.secondsLeft))"
        case .over, .underUnreachable:
            return "slot \(projection.slot) \(projection.state.rawValue): outside its interval whatever the site does"
        case .inside:
            return "slot \(projection.slot) inside: projected \(SlotProjection.energy(projection.projectedWattHours)) of "
                + "\(SlotProjection.energy(projection.interval.minimumWattHours))–\(SlotProjection.energy(projection.interval.maximumWattHours))"
        }
    }
}
