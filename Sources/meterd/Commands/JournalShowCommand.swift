import ArgumentParser
import MeterDaemon

struct JournalShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print journal records, one per line."
    )

    @OptionGroup var configuration: ConfigurationOption
    @OptionGroup var journal: JournalOption
    @OptionGroup var filter: JournalFilterOptions

    @Flag(help: "One JSON object per line.")
    var json = false

    func run() throws {
        let problems = try JournalReader(directory: journal.journalDirectory(reading: configuration)).forEach(try filter.filter()) { record in
            print(json ? RecordRendering.json(record) : RecordRendering.line(record))
        }
        for problem in problems { printError("damaged: \(problem) (run `meterd journal verify`)") }
    }
}
