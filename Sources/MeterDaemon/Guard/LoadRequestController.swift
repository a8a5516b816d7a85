import FoundationEssentials

/// What the guard's output asks of the site; its raw value is the name in the log, the journal and
/// the metrics.
enum LoadRequest: String, Sendable, Equatable, CaseIterable {
    case none
    case shed
    case add

    /// The journal's byte for it.
    var code: UInt8 {
        switch self {
        case .none: return 0
        case .shed: return 1
        case .add: return 2
        }
    }

    init?(code: UInt8) {
        guard let request = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = request
    }
}

/// `[guard] min_on_seconds`, `min_off_seconds`, `release_margin_percent` (docs/slot-guard.md).
struct LoadRequestTiming: Sendable, Equatable {
    /// A request, once made, stays at least this long (unless a cutoff, a lost projection or a new
    /// slot that does not need it ends it).
    var minimumOnSeconds: Double = 30
    /// After a request ends, none is made for at least this long.
    var minimumOffSeconds: Double = 30
    /// A shed request ends only once the projection is below maximum − margin % of the maximum;
    /// an add request only once it is above minimum + margin % of the minimum.
    var releaseMarginPercent: Double = 5
}

/// Decides, at each guard report, whether the site is asked to shed load, add load, or nothing:
/// a pure value, so the daemon only carries out its decisions (docs/slot-guard.md, "The output").
///
/// - A request starts on `heading-over` (shed) or `heading-under` (add, only with an add coil).
/// - It holds through `inside` until the projection has come back past the interval's bound by the
///   release margin (hysteresis), and at least `minimumOnSeconds`.
/// - After it ends, no request starts for `minimumOffSeconds`.
/// - It ends at once, whatever the times: while a cutoff holds the supply open, when the guard has no
///   projection, and when a new slot opens in a state that does not need it (past the release margin:
///   a new slot that opens inside but within the margin keeps it, as the slot before did).
/// - `over` and `under-unreachable` need nothing: the slot is outside whatever the site does, so
///   a request then ends (after its minimum time).
struct LoadRequestController: Sendable, Equatable {
    struct Decision: Sendable, Equatable {
        var request: LoadRequest
        /// The request differs from the one before this report.
        var changed: Bool
        /// Why the request is what it is, for the log and the journal.
        var reason: String
    }

    let timing: LoadRequestTiming
    /// With an add coil the controller may ask to add load; without, heading-under asks nothing.
    let canAdd: Bool
    private(set) var request: LoadRequest = .none
    /// When the request in force (or the pause after one) began; nil before the first request.
    private(set) var since: Date?
    /// The slot the request in force was made or last held in.
    private var slot: Int64?

    init(timing: LoadRequestTiming, canAdd: Bool) {
        self.timing = timing
        self.canAdd = canAdd
    }

    mutating func decide(_ report: SlotGuardReport, supplyConnected: Bool, at time: Date) -> Decision {
        guard supplyConnected else { return set(.none, at: time, "a cutoff holds the supply open: no load request while it does") }
        guard let projection = report.projection else {
            return set(.none, at: time, "the guard has no projection (\(report.stateName))")
        }
        let newSlot = slot != nil && slot != projection.slot
        let wanted = wanted(projection)
        defer { if request != .none { slot = projection.slot } }

        if request != .none {
            if wanted.request == request { return keep(wanted.reason) }
            if let holding = holding(projection) { return keep(holding) }
            if newSlot { return set(.none, at: time, "slot \(projection.slot) opened \(projection.state.rawValue): it does not need the \(request.rawValue) request") }
            guard elapsed(at: time) >= timing.minimumOnSeconds else {
                return keep("held for its minimum of \(timing.minimumOnSeconds.plainText) s")
            }
            return set(.none, at: time, wanted.request == .none ? wanted.reason : "the \(request.rawValue) request ends first: \(wanted.reason)")
        }
        guard wanted.request != .none else { return keep(wanted.reason) }
        if since != nil, elapsed(at: time) < timing.minimumOffSeconds {
            return keep("\(wanted.reason), but the last request ended less than \(timing.minimumOffSeconds.plainText) s ago")
        }
        return set(wanted.request, at: time, wanted.reason)
    }

    /// meterd stops: the request ends whatever the times (the output is cleared at a clean stop).
    mutating func stop(at time: Date) -> Decision {
        set(.none, at: time, "meterd stops: the output is cleared")
    }

    /// What the projection asks for on its own, without hysteresis or times.
    private func wanted(_ projection: SlotProjection) -> (request: LoadRequest, reason: String) {
        let slot = "slot \(projection.slot)"
        switch projection.state {
        case .headingOver:
            return (.shed, "\(slot) heading-over: projected \(SlotProjection.energy(projection.projectedWattHours)) above the maximum of "
                + SlotProjection.energy(projection.interval.maximumWattHours))
        case .headingUnder where canAdd:
            return (.add, "\(slot) heading-under: projected \(SlotProjection.energy(projection.projectedWattHours)) below the minimum of "
                + SlotProjection.energy(projection.interval.minimumWattHours))
        case .headingUnder:
            return (.none, "\(slot) heading-under, and no add_coil is configured")
        case .over, .underUnreachable:
            return (.none, "\(slot) \(projection.state.rawValue): outside its interval whatever the site does")
        case .inside:
            return (.none, "\(slot) inside: projected \(SlotProjection.energy(projection.projectedWattHours))")
        }
    }

    /// Why the request in force holds through `inside` (the projection not yet past the release
    /// margin), or nil when it may end.
    private func holding(_ projection: SlotProjection) -> String? {
        guard projection.state == .inside || projection.state == (request == .shed ? .headingOver : .headingUnder) else { return nil }
        let fraction = timing.releaseMarginPercent / 100
        switch request {
        case .shed:
            let release = projection.interval.maximumWattHours * (1 - fraction)
            guard projection.projectedWattHours >= release else { return nil }
            return "held: projected \(SlotProjection.energy(projection.projectedWattHours)), not yet below \(SlotProjection.energy(release))"
        case .add:
            let release = projection.interval.minimumWattHours * (1 + fraction)
            guard projection.projectedWattHours <= release else { return nil }
            return "held: projected \(SlotProjection.energy(projection.projectedWattHours)), not yet above \(SlotProjection.energy(release))"
        case .none:
            return nil
        }
    }

    private func elapsed(at time: Date) -> Double { since.map { time.timeIntervalSince($0) } ?? .infinity }

    private func keep(_ reason: String) -> Decision { Decision(request: request, changed: false, reason: reason) }

    private mutating func set(_ next: LoadRequest, at time: Date, _ reason: String) -> Decision {
        guard next != request else { return keep(reason) }
        request = next
        since = time
        slot = nil
        return Decision(request: next, changed: true, reason: reason)
    }
}
