import Cutoff
import Drivers
import FoundationEssentials
import Logging

/// Brings the relay up at start, before meterd reports ready: reconciles the journal's last relay
/// record, the contract's state (when reachable) and the auxiliary contact, journals the outcome,
/// then requests the line already set to the reconciled value, so a restart never makes it chatter.
struct RelayStartup: Sendable {
    var controller: CutoffController
    var reconciliation: Reconciliation.Result
    /// The auxiliary contact and the button, requested as inputs, for the daemon to sample.
    var feedback: (any InputLine)?
    var button: (any InputLine)?

    static func start(_ relay: RelayConfiguration, limiter: LimiterConfiguration?, journal: Journal,
                             contract: ContractCutoffState?, provider: any GPIOLineProvider, now: Date = Date(),
                             logger: Logger = Logger(label: "meterd.cutoff")) throws -> RelayStartup {
        let last = try RelayJournalState.last(in: journal.reader)
        let feedback = try relay.feedback.map { try provider.requestInput($0.line) }
        let observed = try feedback.map { line in
            try line.isActive() == (relay.feedback?.activeWhenClosed ?? true)
        }
        let result = Reconciliation.reconcile(journaled: last?.control, contract: contract, observedSupplyConnected: observed,
                                              wiring: relay.wiring, reconnection: relay.remoteReconnection)
        let metadata: Logger.Metadata = ["relay": "\(relay.line)", "state": "\(result.control.state)"]
        for finding in result.findings {
            let note = result.record == nil || finding.hasPrefix("contract not reachable")
            logger.log(level: note ? .info : .warning, "reconciliation: \(finding)", metadata: metadata)
        }
        let recorder = JournalCutoffRecorder(journal: journal)
        if let record = result.record { try recorder.record(record, at: now) }
        let actuator = try RelayActuator.request(relay.line, wiring: relay.wiring, supplyConnected: result.control.supplyConnected, from: provider)
        let controller = CutoffController(control: result.control, actuator: actuator, journal: recorder, reconnection: relay.remoteReconnection,
                                          limiter: limiter?.settings, limiterMeter: limiter?.meter, effectiveness: relay.effectiveness,
                                          effectivenessMeter: relay.effectivenessMeter, startedAt: now)
        let button = try relay.button.map { try provider.requestInput($0) }
        return RelayStartup(controller: controller, reconciliation: result, feedback: feedback, button: button)
    }
}
