import ArgumentParser
import MeterDaemon

struct JournalExportCommand: ParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case csv
        case jsonl
    }

    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write journal records to standard output as CSV (one row per field) or JSON Lines."
    )

    @OptionGroup var configuration: ConfigurationOption
    @OptionGroup var journal: JournalOption
    @OptionGroup var filter: JournalFilterOptions

    @Option(help: "csv or jsonl.")
    var format: Format

    func run() throws {
        if format == .csv { print(RecordRendering.csvHeader) }
        let problems = try JournalReader(directory: journal.journalDirectory(reading: configuration)).forEach(try filter.filter()) { record in
            switch format {
            case .csv: for row in RecordRendering.csvRows(record) { print(row) }
            case .jsonl: print(RecordRendering.json(record))
            }
        }
        for problem in problems { printError("damaged: \(problem) (run `meterd journal verify`)") }
    }
}
