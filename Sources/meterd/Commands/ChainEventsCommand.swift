import ArgumentParser
import ChainClient
import MeterDaemon

struct ChainEventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Show the agreement's contract events, oldest first.",
        discussion: "Reads from --from (default: [chain] start_block) to the latest block; the daemon's own cursor is not moved."
    )

    @OptionGroup var chainOptions: ChainOptions

    @Option(help: ArgumentHelp("The first block to read.", valueName: "BLOCK"))
    var from: UInt64?

    func run() async throws {
        let chain = try chainOptions.chain()
        let rpc = chain.makeRPCClient()
        do {
            try await ChainIdentityCheck(expected: chain.chainID).verify(rpc)
            let latest = try await rpc.blockNumber()
            let first = from ?? chain.startBlock
            guard first <= latest else { throw CommandFailure(.failure, "--from \(first) is beyond the latest block \(latest)") }
            let watcher = try EventWatcher(rpc: rpc, binding: chain.binding, finality: .depth(0), startBlock: first,
                                           maximumRange: chain.logRangeBlocks, store: MemoryStateStore<EventCursor>())
            let events = try await watcher.events(from: first, to: latest)
            for event in events {
                Terminal.output("block \(event.blockNumber) tx \(Hex.encode(event.transactionHash)) \(event.event)")
            }
            Terminal.output("\(events.count) event(s) of agreement \(chain.agreementID) in blocks \(first)...\(latest)")
        } catch let error as ChainClientError where error.isCallFailure || error.code.group == .sender {
            throw CommandFailure(.failure, error.description)
        }
    }
}
