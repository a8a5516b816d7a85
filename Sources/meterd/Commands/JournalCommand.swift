import ArgumentParser

struct JournalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal",
        abstract: "Check, show and export the signed journal.",
        subcommands: [JournalVerifyCommand.self, JournalShowCommand.self, JournalExportCommand.self, JournalStatsCommand.self]
    )
}
