import Cutoff
import FoundationEssentials

/// What `meterd relay status` shows: the journal's last relay record, whether a daemon holds the
/// journal (and so the line), and the requests still waiting for it. Touches no GPIO line.
public struct RelayStatus: Sendable {
    public var last: RelayJournalState?
    /// The state in force: the last record's, or the wiring's fail state on a new site.
    var control: DisconnectControl
    var daemonRunning: Bool
    /// The requests waiting for the daemon, or why they cannot be counted.
    var pendingRequests: Result<Int, MeterdError>

    public static func collect(relay: RelayConfiguration, journalDirectory: String) throws -> RelayStatus {
        let last = try RelayJournalState.last(in: JournalReader(directory: journalDirectory))
        let control = last?.control ?? Reconciliation.reconcile(journaled: nil, contract: nil, observedSupplyConnected: nil,
                                                                wiring: relay.wiring, reconnection: relay.remoteReconnection).control
        // Only an existing LOCK is tried, so status never leaves a LOCK file of its own user behind.
        var running = false
        if FileManager.default.fileExists(atPath: journalDirectory.appendingPathComponent("LOCK")) {
            do { _ = try DirectoryLock(directory: journalDirectory) } catch let error as MeterdError where error.code == .journal(.locked) { running = true } catch {}
        }
        let pending = Result { () throws(MeterdError) in try RelayRequestSpool(directory: relay.requestDirectory).waiting() }
        return RelayStatus(last: last, control: control, daemonRunning: running, pendingRequests: pending)
    }

    private var pendingRequestsText: String {
        switch pendingRequests {
        case .success(let count): String(count)
        case .failure(let failure): "unknown (\(failure))"
        }
    }

    /// `name: value` lines, stable for scripts (docs/cutoff.md).
    public func lines(relay: RelayConfiguration) -> [(String, String)] {
        var cutoffs: [String] = []
        if control.remoteCutoffInForce { cutoffs.append("remote") }
        if control.manualCutoff { cutoffs.append("manual") }
        if control.limiterCutoff { cutoffs.append("limiter") }
        return [
            ("line", relay.line.description),
            ("wiring", "energising \(relay.wiring.energised.rawValue) the supply; fail state \(relay.wiring.failStateConnected ? "connected" : "disconnected")"),
            ("state", control.state.description),
            ("supply", supply(relay: relay)),
            ("contract", control.contract.map { "\($0.state) at block \($0.block)" } ?? "unknown"),
            ("cutoffs", cutoffs.isEmpty ? "none" : cutoffs.joined(separator: ", ")),
            ("awaiting", control.awaitingLocalReconnection ? "local reconnection (button or meterd relay close)" : "nothing"),
            ("alarm", control.cutoffNotEffective ? "cutoff not effective" : "none"),
            ("last_change", last.map { "#\($0.sequence) \(RecordFields.iso($0.time)) \($0.cause)" } ?? "none journaled"),
            ("daemon", daemonRunning ? "running (holds the journal and the line)"
                : "not running (the line is at its fail state: supply \(relay.wiring.failStateConnected ? "connected" : "disconnected"))"),
            ("pending_requests", pendingRequestsText),
        ]
    }

    /// What the journal commands and, with no daemon holding the line, what the line gives now.
    private func supply(relay: RelayConfiguration) -> String {
        let commanded = control.supplyConnected ? "connected" : "disconnected"
        let now = relay.wiring.failStateConnected ? "connected" : "disconnected"
        guard !daemonRunning, now != commanded else { return "commanded \(commanded)" }
        return "commanded \(commanded), but \(now) now: no daemon holds the line, so it is at its fail state until meterd run starts"
    }
}
