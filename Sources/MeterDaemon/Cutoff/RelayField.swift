import ChainClient
import Cutoff
import Drivers
import FoundationEssentials

/// What `meterd relay open|close|test` do, apart from the command line (tested without it).
///
/// With no daemon, the command opens the journal (taking its lock, so no daemon starts meanwhile),
/// requests the line with the journaled state, applies the order through the state machine, journals
/// it and releases the line on return: the line then falls back to its unpowered position, and the
/// next `meterd run` requests it with the journaled state. With the daemon running (the journal is
/// locked), open and close are left in the request directory for it; close is judged first against
/// the journal's last relay record.
public struct RelayField: Sendable {
    public enum Outcome: Sendable {
        /// Executed here; the line was driven and the record journaled.
        case executed(CutoffStep)
        /// Left for the running daemon in this file.
        case queued(String)
    }

    let relay: RelayConfiguration
    let journalDirectory: String
    let provider: any GPIOLineProvider
    let user: String

    public init(relay: RelayConfiguration, journalDirectory: String, provider: any GPIOLineProvider, user: String) {
        self.relay = relay
        self.journalDirectory = journalDirectory
        self.provider = provider
        self.user = user
    }

    /// `whileHeld` runs after the order is executed here, before the line is released (`--hold`).
    public func order(_ action: RelayRequest.Action, reason: String, key: PrivateKey, now: Date = Date(),
                      whileHeld: () -> Void = {}) throws(MeterdError) -> Outcome {
        let journal: Journal
        do {
            (journal, _) = try Journal.open(directory: journalDirectory, key: key)
        } catch let error as MeterdError where error.code == .journal(.locked) {
            return try queue(action, reason: reason, now: now)
        } catch {
            throw MeterdError.relay(.failed, "\(error)")
        }
        // Records are durable once appended; a close that fails only leaves the last checkpoint to the next opener.
        defer { try? journal.close() }
        let startup = try bringUp(journal: journal, now: now)
        let input = RelayRequest(action: action, reason: reason, requestedAt: now, user: user).input
        let step: CutoffStep
        do { step = try startup.controller.handle(input, at: now) } catch { throw MeterdError.relay(.failed, "\(error)") }
        if case .refused(let why) = step.outcome { throw MeterdError.relay(.refused, "relay close refused: \(why)") }
        whileHeld()
        return .executed(step)
    }

    /// Moves the supply to disconnected for `milliseconds` and back, after journaling the test.
    /// Refused while another process holds the line or the journal, and while the supply is commanded
    /// cut (a pulse would then reconnect it).
    public func test(milliseconds: Int, key: PrivateKey, now: Date = Date(), pause: (Int) -> Void) throws(MeterdError) -> DisconnectControl {
        let last: RelayJournalState?
        do { last = try RelayJournalState.last(in: JournalReader(directory: journalDirectory)) } catch {
            throw MeterdError.relay(.failed, "\(error)")
        }
        let control = Reconciliation.reconcile(journaled: last?.control, contract: nil, observedSupplyConnected: nil,
                                               wiring: relay.wiring, reconnection: relay.remoteReconnection).control
        let actuator: RelayActuator
        do {
            actuator = try RelayActuator.request(relay.line, wiring: relay.wiring, supplyConnected: control.supplyConnected, from: provider)
        } catch {
            if error.isLineBusy {
                throw MeterdError.relay(.lineHeld, "relay test refused: \(error.description); the test needs the line to itself: stop meterd first (systemctl stop meterd)")
            }
            throw MeterdError.relay(.failed, error.description)
        }
        guard control.supplyConnected else {
            throw MeterdError.relay(.refused, "relay test refused: the supply is commanded \(control.state) (\(last?.cause ?? "the wiring's fail state")); "
                                    + "a test pulse would reconnect it")
        }
        let journal: Journal
        do {
            (journal, _) = try Journal.open(directory: journalDirectory, key: key)
        } catch let error as MeterdError where error.code == .journal(.locked) {
            throw MeterdError.relay(.lineHeld, "relay test refused: meterd is running (it holds the journal \(journalDirectory)); stop meterd first (systemctl stop meterd)")
        } catch {
            throw MeterdError.relay(.failed, "\(error)")
        }
        // Records are durable once appended; a close that fails only leaves the last checkpoint to the next opener.
        defer { try? journal.close() }
        let record = CutoffRecord(from: control.state, to: control.state, cause: CutoffCause.relayTest(milliseconds: milliseconds).description + " (by user \(user))",
                                  control: control)
        do {
            try JournalCutoffRecorder(journal: journal).record(record, at: now)
            try actuator.setSupply(connected: false)
            pause(milliseconds)
            try actuator.setSupply(connected: true)
        } catch {
            throw MeterdError.relay(.failed, "\(error)")
        }
        return control
    }

    private func bringUp(journal: Journal, now: Date) throws(MeterdError) -> RelayStartup {
        do {
            return try RelayStartup.start(relay, limiter: nil, journal: journal, contract: nil, provider: provider, now: now)
        } catch let error as DriverError where error.isLineBusy {
            throw MeterdError.relay(.lineHeld, "\(error.description); while another process holds the line, stop it first")
        } catch {
            throw MeterdError.relay(.failed, "\(error)")
        }
    }

    private func queue(_ action: RelayRequest.Action, reason: String, now: Date) throws(MeterdError) -> Outcome {
        if action == .close {
            let last: RelayJournalState?
            do { last = try RelayJournalState.last(in: JournalReader(directory: journalDirectory)) } catch {
                throw MeterdError.relay(.failed, "\(error)")
            }
            if let control = last?.control, let contract = control.contract, control.remoteCutoffInForce {
                throw MeterdError.relay(.refused, "relay close refused: a remote cutoff is in force (\(contract)); the utility must allow reconnection first")
            }
        }
        do {
            return .queued(try RelayRequestSpool(directory: relay.requestDirectory).submit(
                RelayRequest(action: action, reason: reason, requestedAt: now, user: user)))
        } catch {
            throw MeterdError.relay(.failed, "\(error)")
        }
    }
}
