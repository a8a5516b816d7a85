import ArgumentParser
import FoundationEssentials
import MeterDaemon

/// --since, --until and --type, shared by show and export.
struct JournalFilterOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Only records at or after this time (ISO 8601, e.g. 2026-11-25T14:00:00Z).", valueName: "T"))
    var since: String?

    @Option(help: ArgumentHelp("Only records before this time.", valueName: "T"))
    var until: String?

    @Option(name: .customLong("type"), help: ArgumentHelp(
        "Only records of these types: \(Set(RecordKind.allCases.flatMap { [$0.name, $0.group] }).sorted().joined(separator: ", ")).",
        valueName: "TYPE"))
    var types: [String] = []

    func filter() throws -> RecordFilter {
        var kinds: Set<RecordKind>?
        if !types.isEmpty {
            var selected = Set<RecordKind>()
            for word in types.flatMap({ $0.split(separator: ",").map(String.init) }) {
                let matching = RecordKind.matching(word)
                guard !matching.isEmpty else { throw ValidationError("--type \(word): unknown record type") }
                selected.formUnion(matching)
            }
            kinds = selected
        }
        return RecordFilter(since: try since.map { try parse($0, "--since") }, until: try until.map { try parse($0, "--until") }, kinds: kinds)
    }

    private func parse(_ text: String, _ option: String) throws -> Date {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        if let date = try? Date(text + "T00:00:00Z", strategy: .iso8601) { return date }
        throw ValidationError("\(option) \(text): not an ISO 8601 time such as 2026-11-25T14:00:00Z or 2026-11-25")
    }
}
