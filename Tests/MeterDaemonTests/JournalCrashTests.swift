import Foundation
import Testing
@testable import MeterDaemon

/// SIGKILLs a child that appends and acknowledges (Tests/Support/JournalTorture), then checks that
/// everything acknowledged is present, in order, and that the chain verifies after reopening.
@Suite struct JournalCrashTests {
    static let rounds = 8
    static let killsPerRound = 26

    /// The child is built with the tests; JOURNAL_TORTURE overrides where it is.
    static var tortureBinary: String {
        if let path = ProcessInfo.processInfo.environment["JOURNAL_TORTURE"] { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for configuration in ["debug", "release"] {
            let path = root.appendingPathComponent(".build/\(configuration)/journal-torture").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return root.appendingPathComponent(".build/debug/journal-torture").path
    }

    @Test func everyAcknowledgedRecordSurvivesSIGKILL() throws {
        let binary = Self.tortureBinary
        try #require(FileManager.default.isExecutableFile(atPath: binary), "\(binary) is missing: swift build --product journal-torture, or set JOURNAL_TORTURE")
        var generator = SystemRandomNumberGenerator()
        var kills = 0
        var killedMidAppend = 0
        for _ in 0..<Self.rounds {
            let directory = TemporaryDirectory("crash")
            defer { directory.remove() }
            var acknowledged: [UInt64] = []
            for _ in 0..<Self.killsPerRound {
                let run = try runAndKill(binary, directory: directory.path, using: &generator)
                kills += 1
                acknowledged += run.acknowledged
                if !run.acknowledged.isEmpty { killedMidAppend += 1 }

                // Reopen as the daemon would (recovery), then read and verify everything.
                let (journal, _) = try Journal.open(directory: directory.path, key: JournalFixtures.key,
                                                    options: JournalOptions(fsync: .groupCommit))
                try journal.close()
                var present: [UInt64] = []
                let verification = try JournalVerifier.verify(directory: directory.path, signer: JournalFixtures.key.address,
                                                                  record: { present.append($0.sequence) })
                let presentSet = Set(present)
                let missing = acknowledged.filter { !presentSet.contains($0) }
                #expect(missing.isEmpty, "acknowledged but lost: \(missing.prefix(10))")
                #expect(present == Array(1...UInt64(present.count)), "records out of order or missing")
                #expect(verification.isValid, "\(verification.problems)")
                if !missing.isEmpty || !verification.isValid { return }
            }
        }
        #expect(kills >= 200)
        #expect(killedMidAppend > kills / 2, "most kills must land while the child is appending")
    }

    private func runAndKill(_ binary: String, directory: String, using generator: inout SystemRandomNumberGenerator) throws -> (acknowledged: [UInt64], output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        // Each run uses one of the child's fsync policies: group commit, every 6 records, every record.
        process.arguments = [directory, ["group", "batch", "record"].randomElement(using: &generator)!]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let descriptor = pipe.fileHandleForReading.fileDescriptor
        var output = [UInt8]()
        // A fifth of the kills land during start-up (recovery), the rest while appending.
        if Int.random(in: 0..<5, using: &generator) == 0 {
            usleep(UInt32.random(in: 0..<8_000, using: &generator))
        } else {
            // Wait for the first acknowledgement, however loaded the machine, so the kill lands mid-append.
            while !String(decoding: output, as: UTF8.self).contains("ACK ") || !String(decoding: output, as: UTF8.self).hasSuffix("\n") {
                var chunk = [UInt8](repeating: 0, count: 4096)
                let count = read(descriptor, &chunk, chunk.count)
                if count <= 0 { break }
                output += chunk[0..<count]
            }
            usleep(UInt32.random(in: 500..<25_000, using: &generator))
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        output += [UInt8](pipe.fileHandleForReading.readDataToEndOfFile())
        let text = String(decoding: output, as: UTF8.self)
        // Only whole lines count: a line cut by the kill acknowledges nothing.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        let acknowledged = lines.filter { $0.hasPrefix("ACK ") }.flatMap { $0.dropFirst(4).split(separator: " ").compactMap { UInt64($0) } }
        return (acknowledged, text)
    }
}
