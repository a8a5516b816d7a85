import ArgumentParser
import MeterDaemon

struct JournalStatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Records, segments, bytes, oldest and newest record, and what is anchored on chain."
    )

    @OptionGroup var configuration: ConfigurationOption
    @OptionGroup var journal: JournalOption

    func run() throws {
        let directory = try journal.journalDirectory(reading: configuration)
        let stats = try JournalStatistics.collect(directory: directory)
        print("directory:  \(directory)")
        print("records:    \(stats.records)")
        print("segments:   \(stats.segments)\(stats.damagedSegments.isEmpty ? "" : " (damaged: \(stats.damagedSegments.joined(separator: ", ")); run `meterd journal verify`)")")
        print("bytes:      \(stats.bytes)" + (stats.records > 0 ? " (\(stats.bytes / stats.records) per record)" : ""))
        if let oldest = stats.oldest, let newest = stats.newest {
            print("oldest:     #\(oldest.sequence) \(RecordFields.iso(oldest.time))")
            print("newest:     #\(newest.sequence) \(RecordFields.iso(newest.time))")
        }
        for kind in RecordKind.allCases where stats.recordsByKind[kind] != nil {
            print("  \(kind.name): \(stats.recordsByKind[kind]!)")
        }
        if let anchor = stats.lastAnchor {
            print("anchored:   up to #\(anchor.sequence) (block \(anchor.block))")
        } else {
            print("anchored:   nothing yet")
        }
        print("unanchored: \(stats.unanchoredRecords) records")
        if let checkpoint = stats.lastCheckpointSequence { print("last signed checkpoint: #\(checkpoint)") }
    }
}
