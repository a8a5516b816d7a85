/// The comparison at start of the journal's last relay record, the contract's state (when the
/// chain is reachable) and the observed supply (the auxiliary contact, when wired).
///
/// Rules (docs/cutoff.md), never reconnecting on doubt:
/// 1. Start from the journal's last snapshot; with none, from the wiring's fail state (if that is
///    "cut", ready for reconnection: `meterd relay close` commissions the site).
/// 2. Apply the contract's state like any confirmed state: newer blocks win, a contract behind the
///    journal (a lagging node, a reorganisation) is ignored; a contract showing connected while the
///    journal has its cutoff in force means doubt: ready for reconnection.
/// 3. A supply observed cut while commanded connected, where the unpowered relay would have kept
///    it connected, means someone or something cut it: ready for reconnection. A supply observed
///    live while commanded cut is requested cut and raises the alarm if it stays live.
public enum Reconciliation {
    public struct Result: Sendable, Equatable {
        public var control: DisconnectControl
        public var findings: [String]
        public var record: CutoffRecord?
        public var chainActions: [ChainAction]
    }

    public static func reconcile(journaled: DisconnectControl?, contract: ContractCutoffState?, observedSupplyConnected: Bool?,
                                 wiring: RelayWiring, reconnection: RemoteReconnection) -> Result {
        var findings: [String] = []
        var control: DisconnectControl
        if let journaled {
            control = journaled
        } else if wiring.failStateConnected {
            control = DisconnectControl(state: .connected)
            findings.append("no relay record in the journal: starting connected, the wiring's fail state")
        } else {
            control = DisconnectControl(state: .readyForReconnection, awaitingLocalReconnection: true)
            findings.append("no relay record in the journal: the wiring's fail state is cut, so ready for reconnection (meterd relay close connects)")
        }
        let start = control
        var chainActions: [ChainAction] = []
        if let contract {
            let step = control.applying(.contract(contract), reconnection: reconnection)
            switch step.outcome {
            case .applied:
                if step.record != nil { findings.append("\(contract) applied (journal had \(control.contract.map(\.description) ?? "no contract state"))") }
                chainActions = step.chainActions
                control = step.after
            case .ignored:
                if let known = control.contract, contract.block < known.block {
                    findings.append("the chain node is behind the journal (\(contract), journal has block \(known.block)); the journal's state is kept")
                }
            case .refused:
                break
            }
        } else {
            findings.append("contract not reachable: the journal's remote state stands; the limiter works without the chain")
        }
        if let observed = observedSupplyConnected {
            if control.supplyConnected, !observed, wiring.failStateConnected {
                control.holdForLocalReconnection()
                findings.append("the supply is observed cut while the journal says connected: doubt, so ready for reconnection")
            } else if !control.supplyConnected, observed {
                findings.append("the supply is observed connected while commanded cut: the line is requested cut")
            }
        }
        let conflict = findings.contains { !$0.hasPrefix("contract not reachable") }
        let record = !control.needsRecord(after: start) && !conflict
            ? nil
            : CutoffRecord(from: start.state, to: control.state, cause: CutoffCause.reconciliation(findings.joined(separator: "; ")).description, control: control)
        return Result(control: control, findings: findings, record: record, chainActions: chainActions)
    }
}

extension DisconnectControl {
    /// Doubt at start: ready for reconnection, connected only by someone on site.
    mutating func holdForLocalReconnection() {
        self = DisconnectControl(state: cutoffInForce ? .disconnected : .readyForReconnection, contract: contract,
                                 manualCutoff: manualCutoff, limiterCutoff: limiterCutoff, awaitingLocalReconnection: true,
                                 cutoffNotEffective: cutoffNotEffective)
    }
}
