import ArgumentParser

struct RelayCloseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "close",
        abstract: "Reconnect the supply (local reconnect), journaled with the reason.",
        discussion: "Refused (exit status 3) while the contract's cutoff is in force, until the utility allows reconnection."
    )

    @OptionGroup var order: RelayOrderArguments

    func run() throws { try order.carryOut(.close) }
}
