import Cutoff

/// The state machine's snapshot as the journal stores it, and back.
extension RelaySnapshot {
    init(_ control: DisconnectControl) {
        self.init(controlState: control.state.rawValue, contractState: control.contract?.state.rawValue, contractBlock: control.contract?.block,
                  manualCutoff: control.manualCutoff, limiterCutoff: control.limiterCutoff,
                  awaitingLocalReconnection: control.awaitingLocalReconnection, cutoffNotEffective: control.cutoffNotEffective)
    }

    /// Nil when a code is not a DLMS control state (the codec refuses those, so only a hand-built value).
    var control: DisconnectControl? {
        guard let state = DisconnectControlState(rawValue: controlState) else { return nil }
        var contract: ContractCutoffState?
        if let code = contractState, let block = contractBlock {
            guard let remote = DisconnectControlState(rawValue: code) else { return nil }
            contract = ContractCutoffState(block: block, state: remote)
        }
        return DisconnectControl(state: state, contract: contract, manualCutoff: manualCutoff, limiterCutoff: limiterCutoff,
                                 awaitingLocalReconnection: awaitingLocalReconnection, cutoffNotEffective: cutoffNotEffective)
    }
}

extension RelayTransition {
    init(_ record: CutoffRecord) {
        self.init(from: record.from.description, to: record.to.description, cause: record.cause, snapshot: RelaySnapshot(record.control))
    }
}
