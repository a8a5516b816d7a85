import Drivers
import FoundationEssentials
import Synchronization

/// Executes the state machine: feeds it inputs, readings and feedback, moves the relay and
/// journals every change. Thread-safe; one per relay.
///
/// Order: a disconnect sets the line first and journals after (the cut is not delayed by a disk
/// sync; the record follows before `handle` returns); a reconnect journals first and sets the line
/// only once the record is durable, so the supply never comes back without a record.
///
/// A line that cannot be set is never taken for one that was: the commanded state stands, the
/// failure is journaled, `handle` throws `RelayLineNotSet`, the chain actions of the change are held
/// back (nothing is acknowledged on chain for a relay that did not move) and `retryLine` sets the
/// line later; only then are they handed out.
public final class CutoffController: @unchecked Sendable {
    let reconnection: RemoteReconnection
    private let actuator: RelayActuator
    private let journal: any CutoffJournal
    private let lock = Mutex(())
    private var control: DisconnectControl
    private var limiter: Limiter?
    private var effectiveness: CutoffEffectiveness?
    private var pendingChain: [ChainAction] = []
    private var heldAcknowledgement: ChainAction?
    /// Why the line is not at the commanded supply (a failed write), until a write succeeds.
    private var lineFault: DriverError?
    /// Chain actions of changes whose line write failed, handed out once the line is set.
    private var heldUntilLineSet: [ChainAction] = []
    private let limiterMeter: String?
    private let effectivenessMeter: String?

    /// `control` is what the line was requested with (the reconciled state).
    public init(control: DisconnectControl, actuator: RelayActuator, journal: any CutoffJournal, reconnection: RemoteReconnection,
                limiter: LimiterSettings? = nil, limiterMeter: String? = nil, effectiveness: CutoffEffectiveness.Settings? = nil,
                effectivenessMeter: String? = nil, startedAt: Date = Date()) {
        self.limiterMeter = limiterMeter
        self.effectivenessMeter = effectivenessMeter
        self.control = control
        self.actuator = actuator
        self.journal = journal
        self.reconnection = reconnection
        self.limiter = limiter.map(Limiter.init)
        self.effectiveness = effectiveness.map(CutoffEffectiveness.init)
        if !control.supplyConnected { self.effectiveness?.disconnectOrdered(at: startedAt) }
    }

    public var state: DisconnectControl { lock.withLock { _ in control } }

    /// Why the relay line is not at the commanded supply; nil when it is.
    public var lineNotSet: RelayLineNotSet? {
        lock.withLock { _ in lineFault.map { RelayLineNotSet(supplyConnected: control.supplyConnected, error: $0) } }
    }

    /// Sets the line to the commanded supply after a failed write, journals that it is set and
    /// hands out the chain actions held back meanwhile. Does nothing when the line is set.
    public func retryLine(at time: Date = Date()) throws {
        try lock.withLock { _ in
            guard lineFault != nil else { return }
            if let failure = drive(connected: control.supplyConnected) { throw failure }
            releaseHeld()
            try journal.record(CutoffRecord(from: control.state, to: control.state, cause: "relay line set after a failed write", control: control), at: time)
        }
    }

    /// Transactions for the contract since the last call (the daemon sends them).
    public func takeChainActions() -> [ChainAction] {
        lock.withLock { _ in
            defer { pendingChain = [] }
            return pendingChain
        }
    }

    @discardableResult
    public func handle(_ input: CutoffInput, at time: Date = Date()) throws -> CutoffStep {
        try lock.withLock { _ in
            if case .localReconnect = input, control.cutoffInForce, !control.remoteCutoffInForce { limiter?.reset() }
            return try apply(control.applying(input, reconnection: reconnection), at: time)
        }
    }

    /// New limiter thresholds from a configuration reload (see Limiter.update(settings:)).
    public func updateLimiter(_ settings: LimiterSettings) {
        lock.withLock { _ in limiter?.update(settings: settings) }
    }

    /// A reading of any meter: the limiter judges its meter's, the effectiveness check its meter's
    /// (nil meter names: every reading).
    @discardableResult
    public func handle(reading: Reading) throws -> [CutoffStep] {
        try lock.withLock { _ in
            var steps: [CutoffStep] = []
            if limiterMeter == nil || limiterMeter == reading.meter, let event = limiter?.evaluate(reading) {
                let input: CutoffInput
                switch event {
                case .trip(let trip): input = .limiterTrip(trip)
                case .cleared(let clear): input = .limiterCleared(clear)
                }
                steps.append(try apply(control.applying(input, reconnection: reconnection), at: reading.time))
            }
            if effectivenessMeter == nil || effectivenessMeter == reading.meter,
               let step = try observe(.reading(reading), at: reading.time) { steps.append(step) }
            return steps
        }
    }

    /// The contactor's auxiliary contact changed or was sampled.
    @discardableResult
    public func handle(feedbackSupplyConnected connected: Bool, at time: Date = Date()) throws -> CutoffStep? {
        try lock.withLock { _ in try observe(.feedback(supplyConnected: connected, at: time), at: time) }
    }

    private func apply(_ step: CutoffStep, at time: Date) throws -> CutoffStep {
        guard step.outcome == .applied else { return step }
        guard let record = step.record else {
            control = step.after
            pendingChain += step.chainActions
            return step
        }
        var lineFailure: RelayLineNotSet?
        switch step.supplyChange {
        case true?:
            try journal.record(record, at: time)
            effectiveness?.reconnectOrdered()
            lineFailure = drive(connected: true)
            commit(step)
        case false?:
            lineFailure = drive(connected: false)
            effectiveness?.disconnectOrdered(at: time)
            commit(step)
            try journal.record(record, at: time)
        case nil:
            try journal.record(record, at: time)
            commit(step)
        }
        if var lineFailure {
            do {
                try journal.record(CutoffRecord(from: control.state, to: control.state, cause: lineFailure.description, control: control), at: time)
            } catch {
                lineFailure.journalError = "\(error)"
            }
            throw lineFailure
        }
        return step
    }

    /// Sets the line; a failure is remembered (the line is owed) and returned.
    private func drive(connected: Bool) -> RelayLineNotSet? {
        do throws(DriverError) {
            try actuator.setSupply(connected: connected)
            lineFault = nil
            return nil
        } catch {
            lineFault = error
            return RelayLineNotSet(supplyConnected: connected, error: error)
        }
    }

    /// The commanded state follows the step; the chain hears of a cutoff once it is seen effective
    /// (at once when nothing observes the supply).
    private func commit(_ step: CutoffStep) {
        control = step.after
        heldUntilLineSet += step.chainActions
        if lineFault == nil { releaseHeld() }
    }

    private func releaseHeld() {
        let held = heldUntilLineSet
        heldUntilLineSet = []
        for action in held where action.stillOwed(supplyConnected: control.supplyConnected) { release(action) }
    }

    private func release(_ action: ChainAction) {
        if case .acknowledgeCutoff = action, effectiveness?.orderedAt != nil {
            heldAcknowledgement = action
        } else {
            pendingChain.append(action)
        }
    }

    private func observe(_ observation: CutoffEffectiveness.Observation, at time: Date) throws -> CutoffStep? {
        guard let verdict = effectiveness?.observe(observation) else { return nil }
        let step: CutoffStep
        switch verdict {
        case .effective(let detail):
            if let held = heldAcknowledgement {
                pendingChain.append(held)
                heldAcknowledgement = nil
            }
            guard control.cutoffNotEffective else { return nil }
            step = CutoffStep(before: control, after: control.withCutoffNotEffective(false), cause: .cutoffEffective(detail), outcome: .applied)
        case .notEffective(let detail):
            step = CutoffStep(before: control, after: control.withCutoffNotEffective(true), cause: .cutoffNotEffective(detail), outcome: .applied)
        }
        return try apply(step, at: time)
    }
}
