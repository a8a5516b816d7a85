import ChainClient
import Cutoff
import FoundationEssentials
import Logging

/// What `[chain]` gives the daemon at start: the RPC client, the agreement's terms, the contract's
/// cutoff state at a confirmed block (when a node answers), the transaction sender and the watcher.
struct ChainSetup: Sendable {
    let configuration: ChainConfiguration
    let rpc: RPCClient
    let terms: AgreementTerms
    let cutoffState: ContractCutoffState?
    let sender: TransactionSender
    let watcher: EventWatcher

    static func start(_ chain: ChainConfiguration, key: PrivateKey, logger: Logger) async throws -> ChainSetup {
        try FileManager.default.createDirectory(atPath: chain.stateDirectory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o750])
        let rpc = chain.makeRPCClient()
        let terms = try await AgreementTerms.load(chain: chain, rpc: rpc, device: key.address, logger: logger)
        let sender = try TransactionSender(rpc: rpc, key: key, settings: chain.senderSettings,
                                           store: FileStateStore<SenderState>(path: chain.senderStatePath),
                                           completion: BatchCompletionCheck(binding: chain.binding, rpc: rpc),
                                           clock: { Date().timeIntervalSince1970 })
        let watcher = try EventWatcher(rpc: rpc, binding: chain.binding, finality: chain.eventFinality, startBlock: chain.startBlock,
                                       maximumRange: chain.logRangeBlocks, chainID: chain.chainID,
                                       store: FileStateStore<EventCursor>(path: chain.eventCursorPath))
        var cutoffState: ContractCutoffState?
        do {
            let block = try await watcher.confirmedHead()
            let state = try await chain.binding.agreement(rpc: rpc, at: .number(block))
            cutoffState = DisconnectControlState(rawValue: state.controlState).map { ContractCutoffState(block: block, state: $0) }
        } catch {
            logger.warning("chain: the contract's cutoff state is not readable now (\(error)); the journal's stands")
        }
        logger.notice("agreement", metadata: [
            "agreement": "\(chain.agreementID)", "contract": "\(chain.contract.checksummed)",
            "slot_seconds": "\(terms.slotSeconds)", "period_start": "\(terms.periodStart)",
        ])
        return ChainSetup(configuration: chain, rpc: rpc, terms: terms, cutoffState: cutoffState, sender: sender, watcher: watcher)
    }
}
