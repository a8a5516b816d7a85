// Journal benchmark: signed appends per second under each fsync policy, and bytes on disk per
// SDM630 reading and per meter-day at 1 Hz. Measures only; prints a Markdown table.
//
//   swift run -c release JournalBenchmark [DIRECTORY]
//
// DIRECTORY (default: the system temp dir) should be on the filesystem being measured.
import ChainClient
import Drivers
import Foundation
import MeterDaemon

let base = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : NSTemporaryDirectory()
let key = PrivateKey.generate()

func sdm630Reading(_ index: Int) -> Reading {
    // Float32 values as an SDM630 delivers them; energy registers advancing as at ~15 kW.
    let values: [Quantity: Double] = [
        .voltageL1: 231.4, .voltageL2: 229.8, .voltageL3: 230.6, .currentL1: 21.37, .currentL2: 19.02, .currentL3: 22.81,
        .activePowerL1: 4905, .activePowerL2: 4321, .activePowerL3: 5188, .powerFactorL1: 0.992, .powerFactorL2: 0.987,
        .powerFactorL3: 0.995, .activePowerTotal: 14_414, .apparentPowerTotal: 14_530, .reactivePowerTotal: 1_830,
        .powerFactorTotal: 0.991, .frequency: 50.01,
    ].mapValues { Double(Float($0 + Double(index % 50) * 0.01)) }
    var energy: [Quantity: EnergyValue] = [:]
    let energyQuantities: [Quantity] = [.importActiveEnergy, .exportActiveEnergy, .importActiveEnergyL1, .importActiveEnergyL2,
                                        .importActiveEnergyL3, .exportActiveEnergyL1, .exportActiveEnergyL2, .exportActiveEnergyL3]
    for (offset, quantity) in energyQuantities.enumerated() {
        energy[quantity] = EnergyValue(milliwattHours: 48_213_000_000 / Int64(offset + 1) + Int64(index) * 4_004,
                                       resolutionMilliwattHours: 3_906)
    }
    return Reading(meter: "sdm630", time: Date(timeIntervalSince1970: 1_790_000_000 + Double(index)), values: values, energy: energy)
}

func freshDirectory(_ label: String) -> String {
    let path = (base as NSString).appendingPathComponent("meterd-bench-\(label)-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func directoryBytes(_ path: String) -> Int {
    ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { $0.hasSuffix(".seg") }.reduce(0) {
        $0 + ((try? FileManager.default.attributesOfItem(atPath: (path as NSString).appendingPathComponent($1))[.size] as? Int) ?? 0)
    }
}

/// Appends `batches` batches of `batchSize` readings from `threads` threads; returns records per second.
func measure(_ label: String, options: JournalOptions, threads: Int, batches: Int, batchSize: Int) throws -> Double {
    let directory = freshDirectory(label)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let (journal, _) = try Journal.open(directory: directory, key: key, options: options)
    let entries = (0..<batchSize).map { JournalEntry(reading: sdm630Reading($0)) }
    let group = DispatchGroup()
    let start = ContinuousClock.now
    for _ in 0..<threads {
        group.enter()
        Thread.detachNewThread {
            for _ in 0..<batches { _ = try! journal.append(entries) }
            group.leave()
        }
    }
    group.wait()
    let elapsed = ContinuousClock.now - start
    try journal.close()
    let seconds = inSeconds(elapsed)
    let report = try JournalVerifier.verify(directory: directory, signer: key.address)
    precondition(report.isValid && report.unsignedTail == 0, "benchmark journal does not verify: \(report.problems)")
    return Double(threads * batches * batchSize) / seconds
}

/// One meter-day at 1 Hz: 86,400 readings appended one per commit, as the daemon does with one
/// meter, with a checkpoint per `checkpointEvery` readings (60: one a minute, as
/// `CheckpointPolicy.standard` does at 1 Hz; 1: a checkpoint at every commit).
func dayBytes(checkpointEvery: Int) throws -> (total: Int, perReading: Double, open: Double, verify: Double) {
    let directory = freshDirectory("day")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let policy: CheckpointPolicy = checkpointEvery == 1 ? .everyCommit : .every(interval: .seconds(86_400), records: checkpointEvery)
    let (journal, _) = try Journal.open(directory: directory, key: key, options: JournalOptions(fsync: .groupCommit, checkpoints: policy))
    for index in 0..<86_400 {
        _ = try journal.append([JournalEntry(reading: sdm630Reading(index))])
    }
    try journal.close()
    let total = directoryBytes(directory)
    let openStart = ContinuousClock.now
    let (reopened, _) = try Journal.open(directory: directory, key: key)
    let opened = ContinuousClock.now - openStart
    try reopened.close()
    let verifyStart = ContinuousClock.now
    let report = try JournalVerifier.verify(directory: directory, signer: key.address)
    let verified = ContinuousClock.now - verifyStart
    precondition(report.isValid)
    return (total, Double(total) / 86_400, inSeconds(opened), inSeconds(verified))
}

/// The mount holding `path`, as "type on device", from /proc/mounts.
func filesystem(of path: String) -> String {
    let mounts = (try? String(contentsOfFile: "/proc/mounts", encoding: .utf8)) ?? ""
    var best: (point: String, text: String) = ("", "unknown")
    for line in mounts.split(separator: "\n") {
        let fields = line.split(separator: " ").map(String.init)
        guard fields.count > 2, path.hasPrefix(fields[1]), fields[1].count > best.point.count else { continue }
        best = (fields[1], "\(fields[2]) on \(fields[0])")
    }
    return best.text
}
let mountDescription = filesystem(of: base)

print("| measurement | result |")
print("|---|---|")
do {
    let digest = Keccak256.hash(Array("meterd".utf8))
    let signStart = ContinuousClock.now
    var signature = try key.sign(digest: digest)
    for _ in 0..<2_000 { signature = try key.sign(digest: digest) }
    let signElapsed = ContinuousClock.now - signStart
    let recoverStart = ContinuousClock.now
    for _ in 0..<2_000 { _ = try signature.recoverAddress(digest: digest) }
    let recoverElapsed = ContinuousClock.now - recoverStart
    let hashStart = ContinuousClock.now
    let record = [UInt8](repeating: 7, count: 200)
    for _ in 0..<20_000 { _ = Keccak256.hash(record) }
    let hashElapsed = ContinuousClock.now - hashStart
    func micros(_ duration: Duration, _ count: Int) -> String {
        String(format: "%.1f µs", (Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12) / Double(count))
    }
    print("| secp256k1 recoverable signature (libsecp256k1) | \(micros(signElapsed, 2_001)) |")
    print("| secp256k1 public key recovery | \(micros(recoverElapsed, 2_000)) |")
    print("| keccak-256 of a 200-byte record | \(micros(hashElapsed, 20_000)) |")
}
let perRecord = try measure("every-record", options: JournalOptions(fsync: .everyRecord, checkpoints: .everyCommit), threads: 1, batches: 300, batchSize: 1)
print("| signed appends/s, fsync + checkpoint per record (1 writer) | \(Int(perRecord)) |")
let per64 = try measure("per-64", options: JournalOptions(fsync: .groupCommit, checkpoints: .everyCommit), threads: 1, batches: 400, batchSize: 64)
print("| signed appends/s, fsync + checkpoint per 64 records (batches of 64) | \(Int(per64)) |")
let group = try measure("group", options: JournalOptions(fsync: .groupCommit, checkpoints: .everyCommit), threads: 32, batches: 400, batchSize: 1)
print("| signed appends/s, group commit, checkpoint per commit (32 writers, 1 record each call) | \(Int(group)) |")
// With a 1 s interval each writer gets one acknowledgement per second, so the rate is the number of
// records waiting per second: here 64 writers × 64 records share each commit.
let perSecond = try measure("per-second", options: JournalOptions(fsync: .interval(.seconds(1)), checkpoints: .everyCommit), threads: 64, batches: 3, batchSize: 64)
print("| signed appends/s, fsync + checkpoint once per second (64 writers × 64 records waiting) | \(Int(perSecond)) |")
let day = try dayBytes(checkpointEvery: 60)
print("| bytes per SDM630 reading (25 quantities, checkpoint a minute) | \(String(format: "%.1f", day.perReading)) |")
print("| one meter-day at 1 Hz (86,400 readings), checkpoint a minute | \(String(format: "%.2f", Double(day.total) / 1e6)) MB |")
print("| opening (recovery scan of) that day's journal | \(Int(day.open * 1000)) ms |")
print("| journal verify of that day (chain and 1,440 signatures) | \(Int(day.verify * 1000)) ms |")
let signedEach = try dayBytes(checkpointEvery: 1)
print("| same day with a checkpoint every reading (for comparison) | \(String(format: "%.2f", Double(signedEach.total) / 1e6)) MB |")
print("")
print("directory: \(base) (\(mountDescription)), \(ProcessInfo.processInfo.activeProcessorCount) cores")

/// A duration in seconds.
func inSeconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}
