import ArgumentParser

struct RelayOpenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open",
        abstract: "Cut the supply (local disconnect), journaled with the reason; in force until `meterd relay close`."
    )

    @OptionGroup var order: RelayOrderArguments

    func run() throws { try order.carryOut(.open) }
}
