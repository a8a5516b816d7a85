// journal-torture DIRECTORY [group|batch|record]
//
// Used only by MeterDaemonTests' crash test: opens the journal in DIRECTORY (recovering it), prints
// "OPEN <head sequence>", then appends batches of readings from two threads forever, printing
// "ACK <sequence> ..." for each batch once `append` has returned (the records are durable). The test
// SIGKILLs it at random moments and checks that every acknowledged sequence survived.
import ChainClient
import Drivers
import Foundation
import MeterDaemon

let arguments = CommandLine.arguments
let policies: [String: FsyncPolicy] = [
    "group": .groupCommit, "batch": .everyRecords(6, maxDelay: .milliseconds(2)), "record": .everyRecord,
]
guard arguments.count == 2 || arguments.count == 3, let fsync = policies[arguments.count == 3 ? arguments[2] : "group"] else {
    FileHandle.standardError.write(Data("usage: journal-torture DIRECTORY [group|batch|record]\n".utf8))
    exit(2)
}
let directory = arguments[1]
let key = try! PrivateKey(bytes: Hex.decode("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"))
let options = JournalOptions(fsync: fsync, checkpoints: .every(interval: .milliseconds(20), records: 32), segmentBytes: 16_384)
let journal: Journal
do {
    (journal, _) = try Journal.open(directory: directory, key: key, options: options)
} catch {
    FileHandle.standardError.write(Data("journal-torture: \(error)\n".utf8))
    exit(1)
}

let output = NSLock()
@Sendable func say(_ line: String) {
    output.lock()
    defer { output.unlock() }
    let bytes = Array((line + "\n").utf8)
    bytes.withUnsafeBytes { _ = write(STDOUT_FILENO, $0.baseAddress, $0.count) }
}

say("OPEN \(journal.head.sequence)")
for thread in 0..<2 {
    Thread.detachNewThread {
        var generator = SystemRandomNumberGenerator()
        var index = 0
        while true {
            let count = Int.random(in: 1...4, using: &generator)
            let entries = (0..<count).map { offset -> JournalEntry in
                let value = Double(Float(index + offset))
                return JournalEntry(reading: Reading(meter: "t\(thread)", time: Date(), values: [.activePowerTotal: value],
                                                     energy: [.importActiveEnergy: EnergyValue(milliwattHours: Int64(index + offset), resolutionMilliwattHours: 1)]))
            }
            index += count
            do {
                let sequences = try journal.append(entries)
                say("ACK " + sequences.map(String.init).joined(separator: " "))
            } catch {
                FileHandle.standardError.write(Data("journal-torture: \(error)\n".utf8))
                exit(1)
            }
        }
    }
}
while true { sleep(60) }
