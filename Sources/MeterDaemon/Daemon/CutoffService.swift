import Cutoff
import Drivers
import FoundationEssentials
import Logging
import ServiceLifecycle

/// The relay's side of the daemon: samples the contactor's auxiliary contact and the reconnection
/// button, takes the field engineers' `meterd relay open|close` requests, applies the contract's
/// state as the event watcher reads it, and hands the controller's chain actions (acknowledge a
/// cutoff, confirm a reconnection) to whoever sends transactions.
///
/// Nothing that failed is dropped: a line write that failed is retried until the line takes the
/// value, and the contract's newest state is applied again until the state machine holds it (a
/// reconnection refused by a full journal happens once the journal has room). Each failure episode
/// is logged at error level once, counted and shown in the status line until it is over.
actor CutoffService: Service {
    private let startup: RelayStartup
    private let relay: RelayConfiguration
    private let status: StatusBoard
    private let logger: Logger
    private let retrySeconds: Double
    private var button = ReconnectionButton(holdSeconds: 1)
    private var chainActions: [ChainAction] = []
    /// The contract's state at the newest confirmed block read: what the state machine must hold.
    private var contractTruth: ContractCutoffState?
    /// The failure being retried (nil when the relay follows its commanded state).
    private var failure: String?
    private var lastRetry: ContinuousClock.Instant?
    /// The inputs that cannot be read now, with the error last logged for each.
    private var inputFailures: [String: String] = [:]

    init(startup: RelayStartup, relay: RelayConfiguration, status: StatusBoard, logger: Logger, retrySeconds: Double = 1) {
        self.startup = startup
        self.relay = relay
        self.status = status
        self.logger = logger
        self.retrySeconds = retrySeconds
    }

    nonisolated var controller: CutoffController { startup.controller }

    func run() async throws {
        chainActions += startup.reconciliation.chainActions
        while keepRunning {
            await tick()
            await pause(seconds: 0.1)
        }
    }

    /// One round: the inputs, the field requests, the retries that are due, the chain actions.
    func tick() async {
        await sampleInputs()
        await takeRequests()
        await catchUp()
        chainActions += controller.takeChainActions()
    }

    /// The contract's state at a confirmed block, from the event watcher.
    func apply(_ state: ContractCutoffState) async {
        if contractTruth.map({ state.block > $0.block }) ?? true { contractTruth = state }
        await attempt { try controller.handle(.contract(state)) }
        chainActions += controller.takeChainActions()
    }

    /// A reading for the limiter and the effectiveness check, from the data path before it waits for
    /// the disk: an emergency trip must not wait for the journal.
    func observe(_ reading: Reading) async {
        await attempt { try controller.handle(reading: reading) }
    }

    /// Chain actions owed, oldest first; the caller sends them and they are not handed out again.
    func takeChainActions() -> [ChainAction] {
        defer { chainActions.removeAll() }
        return chainActions
    }

    /// Retries, at most once per `retrySeconds`, what failed: the line write, then the contract's state.
    private func catchUp(now: ContinuousClock.Instant = .now) async {
        let behind = contractTruth.flatMap { truth in (controller.state.contract?.block).map { $0 < truth.block } ?? true ? truth : nil }
        guard behind != nil || controller.lineNotSet != nil else { return }
        if let lastRetry, now - lastRetry < .seconds(retrySeconds) { return }
        lastRetry = now
        await attempt {
            try controller.retryLine()
            return try behind.map { try controller.handle(.contract($0)) }
        }
    }

    private func attempt(_ action: () throws -> CutoffStep?) async {
        await attempt { try action().map { [$0] } ?? [] }
    }

    private func attempt(_ action: () throws -> [CutoffStep]) async {
        let before = controller.state
        do {
            try action().forEach(log)
        } catch {
            // The line moves before a cut's record is written: a refused record (a full disk) does
            // not undo the cut, so the change is said with the failure.
            let after = controller.state
            if after.state != before.state { logChange(from: before, to: after, metadata: ["record": "not written"]) }
            await failed(error)
            return
        }
        guard let failure, controller.lineNotSet == nil else { return }
        logger.notice("relay follows its commanded state again", metadata: ["after": "\(failure)"])
        self.failure = nil
        await status.relayRecovered()
    }

    private func failed(_ error: any Error) async {
        let text = "\(error)"
        await status.relayActuationFailed(text)
        if text != failure { logger.error("relay: \(text)", metadata: ["line": "\(relay.line)"]) }
        failure = text
        lastRetry = .now
    }

    private func sampleInputs() async {
        if let feedback = startup.feedback, let active = read(feedback, named: "the feedback contact") {
            await attempt { try controller.handle(feedbackSupplyConnected: active == (relay.feedback?.activeWhenClosed ?? true)) }
        }
        if let line = startup.button, let pressed = read(line, named: "the reconnection button"), button.sample(pressed: pressed, at: Date()) {
            await attempt { try controller.handle(.localReconnect(.button)) }
        }
    }

    /// An input's value, or nil while it cannot be read: logged once an episode, as the relay's failures are.
    private func read(_ line: any InputLine, named name: String) -> Bool? {
        do {
            let value = try line.isActive()
            if inputFailures.removeValue(forKey: name) != nil { logger.notice("relay: \(name) reads again") }
            return value
        } catch {
            let text = "\(error)"
            if inputFailures[name] != text { logger.error("relay: reading \(name) failed: \(text); sampled again every 0.1 s") }
            inputFailures[name] = text
            return nil
        }
    }

    private func takeRequests() async {
        let taken: RelayRequestSpool.Taken
        do { taken = try RelayRequestSpool(directory: relay.requestDirectory).take() } catch {
            logger.warning("relay requests: \(error)")
            return
        }
        for rejection in taken.rejected {
            logger.error("relay: a request in \(relay.requestDirectory) is not one meterd wrote and was moved aside as .rejected: \(rejection)")
        }
        for request in taken.requests {
            logger.notice("relay \(request.action) requested by \(request.user): \(request.reason)")
            await attempt { try controller.handle(request.input) }
        }
    }

    private func log(_ step: CutoffStep) {
        guard step.after.state != step.before.state || step.outcome != .applied else { return }
        switch step.outcome {
        case .applied:
            logChange(from: step.before, to: step.after, metadata: ["cause": "\(step.cause)"])
        case .refused(let why):
            logger.warning("relay: \(why)", metadata: ["cause": "\(step.cause)"])
        case .ignored:
            break
        }
    }

    /// At warning level when it cuts the supply, as a limiter trip does.
    private func logChange(from before: DisconnectControl, to after: DisconnectControl, metadata: Logger.Metadata) {
        let cuts = before.supplyConnected && !after.supplyConnected
        logger.log(level: cuts ? .warning : .notice, "relay \(before.state) -> \(after.state)", metadata: metadata)
    }
}
