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
        let chain = try chainOptions.chain()
        let device = try chainOptions.deviceAddress()
        let sender = try? FileStateStore<SenderState>(path: chain.senderStatePath).load()
        let cursor = try? FileStateStore<EventCursor>(path: chain.eventCursorPath).load()
        let status = await ChainStatus.gather(rpc: chain.makeRPCClient(), binding: chain.binding, device: device, expectedChainID: chain.chainID,
                                              sender: sender ?? nil, eventCursor: cursor ?? nil, dailyGasBudget: chain.dailyGasBudget,
                                              now: Date().timeIntervalSince1970)
        for line in status.lines { Terminal.output(line) }
        if !status.healthy { throw ExitStatus.failure }
    }
}
