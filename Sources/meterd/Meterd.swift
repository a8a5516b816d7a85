import ArgumentParser
import MeterDaemon

@main
struct Meterd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meterd",
        abstract: "Reads power meters, journals every reading and settles consumption against the agreement contract.",
        version: MeterdVersion.current,
        subcommands: [ConfigCommand.self, ReadCommand.self, ProbeCommand.self, KeyCommand.self, JournalCommand.self, RelayCommand.self]
    )
}
