/// What one input did to the state machine.
public struct CutoffStep: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        case applied
        /// Nothing changed: a stale or repeated contract state, or a clear with no trip in force.
        case ignored(String)
        /// Not allowed now (a local reconnection during a remote cutoff); the message says why.
        case refused(String)
    }

    public var before: DisconnectControl
    public var after: DisconnectControl
    public var cause: CutoffCause
    public var outcome: Outcome

    init(before: DisconnectControl, after: DisconnectControl, cause: CutoffCause, outcome: Outcome) {
        self.before = before
        self.after = after
        self.cause = cause
        self.outcome = outcome
    }

    /// The journal record this step needs: any change of the snapshot other than a newer block
    /// with the same contract state (so the watcher's reads do not flood the journal); never none
    /// for a line change.
    public var record: CutoffRecord? {
        !after.needsRecord(after: before) ? nil : CutoffRecord(from: before.state, to: after.state, cause: cause.description, control: after)
    }

    /// The new commanded supply, when the relay must move.
    var supplyChange: Bool? {
        before.supplyConnected == after.supplyConnected ? nil : after.supplyConnected
    }

    /// What the device must tell the contract because of this step.
    public var chainActions: [ChainAction] {
        guard before != after, let contract = after.contract else { return [] }
        var actions: [ChainAction] = []
        if after.remoteCutoffInForce, !before.remoteCutoffInForce {
            actions.append(.acknowledgeCutoff(block: contract.block))
        }
        if after.limiterCutoff, !before.limiterCutoff {
            actions.append(.reportEmergencyShutdown)
        }
        // Also when a newer read still shows the allowance while connected: the confirmation of a
        // reconnection made just before a restart has not reached the chain.
        if after.supplyConnected, contract.state == .readyForReconnection, !before.supplyConnected || before.contract != after.contract {
            actions.append(.confirmReconnection(block: contract.block))
        }
        return actions
    }
}

/// One journaled change of the cutoff state: the control states, the cause and the full snapshot.
public struct CutoffRecord: Sendable, Equatable {
    public var from: DisconnectControlState
    public var to: DisconnectControlState
    public var cause: String
    public var control: DisconnectControl

    public init(from: DisconnectControlState, to: DisconnectControlState, cause: String, control: DisconnectControl) {
        self.from = from
        self.to = to
        self.cause = cause
        self.control = control
    }
}

/// A transaction the daemon sends to the agreement contract.
public enum ChainAction: Sendable, Equatable {
    /// `acknowledge_cutoff`: send once the cutoff is observed effective (the controller holds it back
    /// while `CutoffEffectiveness` has not seen the supply cut; an unacknowledged cutoff is what the
    /// utility sees on chain when the alarm is up).
    case acknowledgeCutoff(block: UInt64)
    /// `confirm_reconnection`, after the relay connected on the utility's allowance.
    case confirmReconnection(block: UInt64)
    /// `report_emergency_shutdown`, once per limiter trip: the agreement's emergency penalty is the
    /// consumer's, and only the device knows of the trip.
    case reportEmergencyShutdown
}

extension ChainAction {
    /// Whether the action still tells the truth once the line is set to `supplyConnected` (an
    /// acknowledgement of a cutoff the line never made is not sent after a reconnection).
    func stillOwed(supplyConnected: Bool) -> Bool {
        switch self {
        case .acknowledgeCutoff: return !supplyConnected
        case .confirmReconnection: return supplyConnected
        // The trip happened, whatever the line does since.
        case .reportEmergencyShutdown: return true
        }
    }
}
