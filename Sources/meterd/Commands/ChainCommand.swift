import ArgumentParser

struct ChainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chain",
        abstract: "Check the node, the device's account and the agreement; show the contract's events.",
        subcommands: [ChainStatusCommand.self, ChainEventsCommand.self]
    )
}
