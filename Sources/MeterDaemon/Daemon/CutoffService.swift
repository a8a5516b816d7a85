import Cutoff
import Drivers
import FoundationEssentials
import Logging
import ServiceLifecycle

/// The relay's side of the daemon: samples the contactor's auxiliary contact and the reconnection
/// button, takes the field engineers' `meterd relay open|close` requests, applies the contract's
/// state as the event watcher reads it, and hands the controller's chain actions (acknowledge a
/// cutoff, confirm a reconnection) to whoever sends transactions.
actor CutoffService: Service {
    private let startup: RelayStartup
    private let relay: RelayConfiguration
    private let logger: Logger
    private var button = ReconnectionButton(holdSeconds: 1)
    private var chainActions: [ChainAction] = []

    init(startup: RelayStartup, relay: RelayConfiguration, logger: Logger) {
        self.startup = startup
        self.relay = relay
        self.logger = logger
    }

    nonisolated var controller: CutoffController { startup.controller }

    func run() async throws {
        chainActions += startup.reconciliation.chainActions
        while keepRunning {
            sampleInputs()
            takeRequests()
            chainActions += controller.takeChainActions()
            await pause(seconds: 0.1)
        }
    }

    /// The contract's state at a confirmed block, from the event watcher.
    func apply(_ state: ContractCutoffState) {
        log(try? controller.handle(.contract(state)))
        chainActions += controller.takeChainActions()
    }

    /// Chain actions owed, oldest first; the caller sends them and they are not handed out again.
    func takeChainActions() -> [ChainAction] {
        defer { chainActions.removeAll() }
        return chainActions
    }

    private func sampleInputs() {
        if let feedback = startup.feedback, let active = try? feedback.isActive() {
            log(try? controller.handle(feedbackSupplyConnected: active == (relay.feedback?.activeWhenClosed ?? true)))
        }
        if let line = startup.button, let pressed = try? line.isActive(), button.sample(pressed: pressed, at: Date()) {
            log(try? controller.handle(.localReconnect(.button)))
        }
    }

    private func takeRequests() {
        let requests: [RelayRequest]
        do { requests = try RelayRequestSpool(directory: relay.requestDirectory).take() } catch {
            logger.warning("relay requests: \(error)")
            return
        }
        for request in requests {
            logger.notice("relay \(request.action) requested by \(request.user): \(request.reason)")
            do { log(try controller.handle(request.input)) } catch {
                logger.error("relay request failed: \(error)")
            }
        }
    }

    private func log(_ step: CutoffStep?) {
        guard let step, step.after.state != step.before.state || step.outcome != .applied else { return }
        switch step.outcome {
        case .applied:
            logger.notice("relay \(step.before.state) -> \(step.after.state)", metadata: ["cause": "\(step.cause)"])
        case .refused(let why):
            logger.warning("relay: \(why)", metadata: ["cause": "\(step.cause)"])
        case .ignored:
            break
        }
    }
}
