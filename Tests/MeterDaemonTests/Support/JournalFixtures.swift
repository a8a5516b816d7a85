import ChainClient
@testable import Drivers
import Foundation
@testable import MeterDaemon

/// A fresh directory under the system temp dir, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init(_ label: String = "journal") {
        path = NSTemporaryDirectory() + "meterd-test-\(label)-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

enum JournalFixtures {
    static let key = try! PrivateKey(bytes: Hex.decode("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"))
    static let base = Date(timeIntervalSince1970: 1_790_000_000)

    /// An SDM630-like reading: 17 float32 values and 8 energy registers.
    static func reading(_ index: Int, meter: String = "sdm630") -> Reading {
        var values: [Quantity: Double] = [:]
        for (offset, quantity) in Quantity.allCases.enumerated() where !quantity.isCumulativeEnergy && quantity != .dcVoltage && quantity != .dcCurrent && quantity != .temperature {
            values[quantity] = Double(Float(230.0 + Double(offset) * 0.37 + Double(index % 97) * 0.011))
        }
        var energy: [Quantity: EnergyValue] = [:]
        for (offset, quantity) in Quantity.allCases.enumerated() where quantity.isCumulativeEnergy {
            energy[quantity] = EnergyValue(milliwattHours: 12_345_678_000 + Int64(index) * 13_889 + Int64(offset) * 1_000_000,
                                           resolutionMilliwattHours: 977)
        }
        return Reading(meter: meter, time: base.addingTimeInterval(Double(index)), values: values, energy: energy)
    }

    static func readingEntries(_ range: Range<Int>) -> [JournalEntry] {
        range.map { JournalEntry(reading: reading($0)) }
    }

    static var fastOptions: JournalOptions {
        JournalOptions(fsync: .groupCommit, checkpoints: .everyCommit)
    }

    /// Options that give a journal of 30 readings several small segments.
    static var segmentedOptions: JournalOptions {
        var options = fastOptions
        options.segmentBytes = 1_500
        return options
    }

    /// A closed journal of 30 readings in several segments (`segmentedOptions`); returns the segment
    /// names and the newest sequence.
    static func segmentedJournal(_ directory: TemporaryDirectory) throws -> (segments: [String], highest: UInt64) {
        let (journal, _) = try Journal.open(directory: directory.path, key: key, options: segmentedOptions)
        for index in 0..<30 { try journal.append(readingEntries(index..<(index + 1))) }
        try journal.close()
        return (segments(directory), try JournalReader(directory: directory.path).records().last!.sequence)
    }

    static func segments(_ directory: TemporaryDirectory) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".seg") }.sorted()
    }
}
