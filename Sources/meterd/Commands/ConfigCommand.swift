import ArgumentParser

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Work with meterd's configuration file.",
        subcommands: [ConfigCheckCommand.self]
    )
}
