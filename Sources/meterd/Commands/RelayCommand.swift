import ArgumentParser

struct RelayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay",
        abstract: "Show, open, close and test the cutoff relay (docs/cutoff.md).",
        discussion: "Exit status: 0 done (or left for the running daemon), 1 failure, 3 refused (remote cutoff in force, line held by another process, or a test pulse that would reconnect).",
        subcommands: [RelayStatusCommand.self, RelayOpenCommand.self, RelayCloseCommand.self, RelayTestCommand.self]
    )
}
