import Foundation
import Testing
@testable import MeterDaemon

/// Every fsync and checkpoint policy acknowledges every record exactly once, in one verified chain.
@Suite struct JournalPolicyTests {
    static let policies: [(FsyncPolicy, CheckpointPolicy)] = [
        (.everyRecord, .everyCommit),
        (.groupCommit, .everyCommit),
        (.groupCommit, .standard),
        (.everyRecords(8, maxDelay: .milliseconds(20)), .every(interval: .milliseconds(5), records: 16)),
        (.interval(.milliseconds(30)), .everyCommit),
    ]

    @Test(arguments: 0..<policies.count)
    func concurrentAppendersUnder(policy index: Int) async throws {
        let (fsync, checkpoints) = Self.policies[index]
        let directory = TemporaryDirectory("policy")
        defer { directory.remove() }
        let (journal, _) = try Journal.open(directory: directory.path, key: JournalFixtures.key,
                                            options: JournalOptions(fsync: fsync, checkpoints: checkpoints, segmentBytes: 4_096))
        let acknowledged = try await withThrowingTaskGroup(of: [UInt64].self) { group in
            for writer in 0..<4 {
                group.addTask {
                    var sequences: [UInt64] = []
                    for batch in 0..<5 {
                        let first = writer * 1_000 + batch * 3
                        sequences += try await journal.append(JournalFixtures.readingEntries(first..<(first + 3)))
                    }
                    return sequences
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(Set(acknowledged).count == 60)
        try journal.close()
        var present: [UInt64] = []
        let report = try JournalVerifier.verify(directory: directory.path, signer: JournalFixtures.key.address,
                                                record: { if $0.kind == .reading { present.append($0.sequence) } })
        #expect(report.isValid && report.unsignedTail == 0, "\(report.problems)")
        #expect(present == acknowledged.sorted())
    }
}
