// Cutoff benchmark: latency from the reading that crosses the emergency threshold to the relay line
// being set, and from the contract's cutoff state (as the event watcher will deliver it) to the line.
// Measures only; prints a Markdown table.
//
//   swift build -c release --product CutoffBenchmark && .build/release/CutoffBenchmark [ITERATIONS] [DIRECTORY]
//
// The line is the simulated one (this machine has no GPIO chip); it stamps each value the moment
// it is set. The journal is meterd's signed journal on disk in DIRECTORY (default: the temp dir),
// with group commit (a sync per record here). A disconnect sets the line before it journals; a
// reconnection journals (and syncs) before it sets the line, so its figure includes the disk. Under
// the SD-card default policy (at most one sync a second) a record appended within a second of the
// previous sync waits for the next one: a reconnection can then wait up to 1 s, a disconnect not.
import ChainClient
import Cutoff
import Drivers
import Foundation
import MeterDaemon

let arguments = CommandLine.arguments
let iterations = arguments.count > 1 ? Int(arguments[1]) ?? 2000 : 2000
let base = arguments.count > 2 ? arguments[2] : NSTemporaryDirectory()
let start = Date(timeIntervalSince1970: 1_790_000_000)

/// A journal that keeps records in memory: the state machine and the line alone.
final class MemoryJournal: CutoffJournal, @unchecked Sendable {
    private let lock = NSLock()
    private var records: [CutoffRecord] = []
    func record(_ record: CutoffRecord, at time: Date) throws { lock.withLock { records.append(record) } }
}

struct Figures {
    var samples: [Duration] = []
    mutating func add(_ sample: Duration) { samples.append(sample) }
    func microseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
    }
    var row: String {
        let sorted = samples.sorted()
        let pick = { (fraction: Double) in microseconds(sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]) }
        return String(format: "%.1f µs | %.1f µs | %.1f µs", pick(0.5), pick(0.99), microseconds(sorted.last!))
    }
}

func reading(_ second: Int, watts: Double) -> Reading {
    Reading(meter: "main", time: start.addingTimeInterval(Double(second)),
            values: [.activePowerTotal: watts, .currentL1: watts / 690, .currentL2: watts / 690, .currentL3: watts / 690])
}

func controller(journal: any CutoffJournal, reconnection: RemoteReconnection) -> (CutoffController, SimulatedLine) {
    let line = SimulatedLine(initiallyActive: false)
    let limiter = LimiterSettings(powerThreshold: 60_000, emergencyPowerThreshold: 90_000, minOverThresholdSeconds: 30,
                                  reconnection: .manual)
    let controller = CutoffController(control: DisconnectControl(state: .connected, contract: ContractCutoffState(block: 1, state: .connected)),
                                      actuator: RelayActuator(line: line, wiring: RelayWiring(energised: .cuts)), journal: journal,
                                      reconnection: reconnection, limiter: limiter)
    return (controller, line)
}

/// Emergency reading to line set, then a local reconnection (journal, then line) to start again.
func emergency(journal: any CutoffJournal) throws -> (trip: Figures, handled: Figures, reconnect: Figures) {
    let (controller, line) = controller(journal: journal, reconnection: .automatic)
    var trip = Figures(), handled = Figures(), reconnect = Figures()
    for index in 0..<iterations {
        try controller.handle(reading: reading(3 * index, watts: 40_000))
        let crossing = reading(3 * index + 1, watts: 95_000)
        let t0 = ContinuousClock.now
        try controller.handle(reading: crossing)
        let t1 = ContinuousClock.now
        precondition(line.current, "the emergency reading did not cut")
        trip.add(line.changes.last!.at - t0)
        handled.add(t1 - t0)
        let t2 = ContinuousClock.now
        try controller.handle(.localReconnect(.button), at: crossing.time)
        precondition(!line.current)
        reconnect.add(line.changes.last!.at - t2)
    }
    return (trip, handled, reconnect)
}

/// The contract's state at a new block to line set, then the utility's allowance back (automatic mode).
func remote(journal: any CutoffJournal) throws -> (cut: Figures, reconnect: Figures) {
    let (controller, line) = controller(journal: journal, reconnection: .automatic)
    var cut = Figures(), reconnect = Figures()
    for index in 0..<iterations {
        let t0 = ContinuousClock.now
        try controller.handle(.contract(ContractCutoffState(block: UInt64(2 * index + 2), state: .disconnected)))
        precondition(line.current)
        cut.add(line.changes.last!.at - t0)
        let t1 = ContinuousClock.now
        try controller.handle(.contract(ContractCutoffState(block: UInt64(2 * index + 3), state: .readyForReconnection)))
        precondition(!line.current)
        reconnect.add(line.changes.last!.at - t1)
        _ = controller.takeChainActions()
    }
    return (cut, reconnect)
}

let directory = (base as NSString).appendingPathComponent("meterd-bench-cutoff-\(UUID().uuidString)")
defer { try? FileManager.default.removeItem(atPath: directory) }
let (journal, _) = try Journal.open(directory: directory, key: PrivateKey.generate(), options: JournalOptions(fsync: .groupCommit))
let signed = JournalCutoffRecorder(journal: journal)

let memoryEmergency = try emergency(journal: MemoryJournal())
let diskEmergency = try emergency(journal: signed)
let memoryRemote = try remote(journal: MemoryJournal())
let diskRemote = try remote(journal: signed)
try journal.close()

print("| path (\(iterations) runs each) | median | p99 | max |")
print("|---|---|---|---|")
print("| emergency reading → line set (state machine + limiter + line, journal in memory) | \(memoryEmergency.trip.row) |")
print("| emergency reading → line set (signed journal on disk) | \(diskEmergency.trip.row) |")
print("| emergency reading → handle() returns, record durable (signed journal on disk) | \(diskEmergency.handled.row) |")
print("| local reconnection → line set, after the record is durable (signed journal on disk) | \(diskEmergency.reconnect.row) |")
print("| contract state disconnected at a new block → line set (journal in memory) | \(memoryRemote.cut.row) |")
print("| contract state disconnected at a new block → line set (signed journal on disk) | \(diskRemote.cut.row) |")
print("| contract allows reconnection (automatic) → line set, record durable first (signed journal on disk) | \(diskRemote.reconnect.row) |")
