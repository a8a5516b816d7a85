import ChainClient
import Cutoff
import FoundationEssentials
import Logging
import ServiceLifecycle

/// Watches the contract's events at confirmed blocks. Events are the trigger; the agreement's state
/// read at the event's block is what the relay acts on, so a replayed or reorganised event cannot
/// move it.
struct EventWatcherService: Service {
    let chain: ChainConfiguration
    let rpc: RPCClient
    let watcher: EventWatcher
    let cutoff: CutoffService?
    let status: StatusBoard
    let logger: Logger

    func run() async throws {
        while keepRunning {
            do {
                _ = try await watcher.poll { event in try await deliver(event) }
            } catch {
                logger.warning("event watcher: \(error); the relay keeps its state and the limiter keeps working")
            }
            await pause(seconds: chain.watchIntervalSeconds)
        }
    }

    private func deliver(_ event: ContractEvent) async throws {
        logger.info("contract event", metadata: ["event": "\(event.event)", "block": "\(event.blockNumber)"])
        switch event.event {
        case .cutoffOrdered, .reconnectionAllowed, .cutoffAcknowledged, .reconnected:
            let state = try await chain.binding.agreement(rpc: rpc, at: .number(event.blockNumber))
            await status.agreement(bonus: state.bonus, credit: state.credit, nextSlot: state.nextSlot, controlState: state.controlState)
            guard let cutoff, let control = DisconnectControlState(rawValue: state.controlState) else { return }
            await cutoff.apply(ContractCutoffState(block: event.blockNumber, state: control))
        case .batchSubmitted(_, _, _, _, _, let bonus, _), .emergencyShutdown(_, let bonus, _), .bonusAdjusted(_, let bonus, _):
            await status.bonus(bonus)
        case .periodClosed(_, _, _, _, let credit), .creditAdjusted(_, let credit, _):
            await status.credit(credit)
        default:
            break
        }
    }
}
