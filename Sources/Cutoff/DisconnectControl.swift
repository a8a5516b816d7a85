/// The disconnect control state machine (after DLMS/COSEM interface class 70), as a pure value.
///
/// The value is also the snapshot every journal record carries, so the last relay record of the
/// journal restores it exactly at the next start. The rules, as a table, are in docs/cutoff.md:
/// - the supply is connected only when no cutoff is in force: not the contract's (its state at the
///   newest confirmed block is disconnected), not a manual one (`meterd relay open`), not the limiter's;
/// - a contract state from a block no newer than the one applied is ignored (events are triggers,
///   state is the truth);
/// - when the last cutoff is lifted the supply reconnects at once, unless a reconnection the
///   utility allowed must be confirmed on site (`RemoteReconnection.local`, or doubt): then the state
///   is ready for reconnection until the button or `meterd relay close`;
/// - a local reconnection is refused while the contract's cutoff is in force.
public struct DisconnectControl: Sendable, Equatable {
    public private(set) var state: DisconnectControlState
    /// The contract's state at the newest confirmed block applied; nil until one is read.
    public private(set) var contract: ContractCutoffState?
    /// `meterd relay open` is in force until a local reconnection.
    public private(set) var manualCutoff: Bool
    /// A limiter trip is in force until the limiter clears or a local reconnection.
    public private(set) var limiterCutoff: Bool
    /// Reconnection is allowed but waits for the button or `meterd relay close`.
    public private(set) var awaitingLocalReconnection: Bool
    /// The supply was ordered cut but is still observed live (see `CutoffEffectiveness`).
    public private(set) var cutoffNotEffective: Bool

    public init(state: DisconnectControlState, contract: ContractCutoffState? = nil, manualCutoff: Bool = false,
                limiterCutoff: Bool = false, awaitingLocalReconnection: Bool = false, cutoffNotEffective: Bool = false) {
        self.state = state
        self.contract = contract
        self.manualCutoff = manualCutoff
        self.limiterCutoff = limiterCutoff
        self.awaitingLocalReconnection = awaitingLocalReconnection
        self.cutoffNotEffective = cutoffNotEffective
    }

    /// The commanded supply: what the relay line is set to.
    public var supplyConnected: Bool { state == .connected }
    public var remoteCutoffInForce: Bool { contract?.state == .disconnected }
    var cutoffInForce: Bool { remoteCutoffInForce || manualCutoff || limiterCutoff }

    /// Applies one input; the step says what changed, what to journal and what to tell the chain.
    func applying(_ input: CutoffInput, reconnection: RemoteReconnection) -> CutoffStep {
        var next = self
        switch input {
        case .contract(let observed):
            if let known = contract, observed.block <= known.block {
                return CutoffStep(before: self, after: self, cause: .input(input), outcome: .ignored(
                    "\(observed) is not newer than block \(known.block) already applied; nothing actuated"))
            }
            next.contract = observed
            switch observed.state {
            case .disconnected:
                next.awaitingLocalReconnection = false
            case .readyForReconnection:
                if remoteCutoffInForce, reconnection == .local { next.awaitingLocalReconnection = true }
            case .connected:
                // Only this device confirms a reconnection: seeing it while the cutoff was in force
                // here means doubt, and doubt never reconnects without someone on site.
                if remoteCutoffInForce { next.awaitingLocalReconnection = true }
            }
        case .limiterTrip:
            next.limiterCutoff = true
        case .limiterCleared:
            guard limiterCutoff else {
                return CutoffStep(before: self, after: self, cause: .input(input), outcome: .ignored("no limiter trip is in force"))
            }
            next.limiterCutoff = false
        case .localDisconnect:
            next.manualCutoff = true
        case .localReconnect:
            if let contract, remoteCutoffInForce {
                return CutoffStep(before: self, after: self, cause: .input(input), outcome: .refused(
                    "a remote cutoff is in force (\(contract)); the utility must allow reconnection first"))
            }
            next.manualCutoff = false
            next.limiterCutoff = false
            next.awaitingLocalReconnection = false
        }
        next.settle()
        return CutoffStep(before: self, after: next, cause: .input(input), outcome: .applied)
    }

    /// The snapshot with the alarm raised or cleared (the commanded state does not change).
    func withCutoffNotEffective(_ alarm: Bool) -> DisconnectControl {
        var next = self
        next.cutoffNotEffective = alarm
        return next
    }

    /// Whether a journal record is needed to go from `earlier` to this: any change but a newer
    /// block with the same contract state (so the watcher's reads do not flood the journal).
    func needsRecord(after earlier: DisconnectControl) -> Bool {
        var unchanged = earlier
        if let known = earlier.contract, let newer = contract, known.state == newer.state { unchanged.contract = newer }
        return unchanged != self
    }

    private mutating func settle() {
        if cutoffInForce {
            state = .disconnected
        } else if state != .connected {
            state = awaitingLocalReconnection ? .readyForReconnection : .connected
        }
        if state == .connected { cutoffNotEffective = false }
    }
}
