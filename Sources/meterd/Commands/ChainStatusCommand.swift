import ArgumentParser
import ChainClient
import FoundationEssentials
import MeterDaemon

struct ChainStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the node reached, chain id, latest block, device balance, agreement state and pending transactions.",
        discussion: "Exit status 0 when the node serves the configured chain and the agreement names this device, 1 otherwise."
    )

    @OptionGroup var chainOptions: ChainOptions

    func run() async throws {
        let (chain, keyPath) = try chainOptions.load()
        let device = try chainOptions.deviceAddress(keyPath: keyPath)
        let sender = Self.load(SenderState.self, from: chain.senderStatePath, what: "pending transactions and gas used")
        let cursor = Self.load(EventCursor.self, from: chain.eventCursorPath, what: "the event cursor")
        let status = await ChainStatus.gather(rpc: chain.makeRPCClient(), binding: chain.binding, device: device, expectedChainID: chain.chainID,
                                              sender: sender, eventCursor: cursor, dailyGasBudget: chain.dailyGasBudget,
                                              now: Date().timeIntervalSince1970)
        for line in status.lines { Terminal.output(line) }
        // The status stops at a node it cannot reach or one on another chain, before its device line;
        // the engineer still learns which key this device signs with.
        if status.latestBlock == nil { Terminal.output("device:      \(device.checksummed) (\(keyPath))") }
        if !status.healthy { throw ExitStatus.failure }
    }

    /// A state file of the daemon's, or nil when there is none yet; one that cannot be read is said, not taken for none.
    private static func load<State: Codable & Sendable>(_ type: State.Type, from path: String, what: String) -> State? {
        do { return try FileStateStore<State>(path: path).load() } catch {
            Terminal.warning("\(error); \(what) not shown")
            return nil
        }
    }
}
