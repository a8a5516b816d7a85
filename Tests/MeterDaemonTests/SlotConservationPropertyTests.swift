@testable import Drivers
import Foundation
import Logging
import Testing
@testable import MeterDaemon

/// Energy conservation over random histories (issue 15): readings go through the real ReadingPipeline
/// into a real journal while the clock's trust changes, the meter goes away and the daemon restarts
/// (resuming from the journal through SlotResumption, as `meterd run` does). Over every stretch of
/// trusted readings the slots inside it are all measured and their sum is the register's difference
/// between the stretch's first and last slot boundaries; no slot gets a value from a reading whose time
/// was not trusted. SLOT_PROPERTY_SEED=N replays the run that printed it.
@Suite struct SlotConservationPropertyTests {
    static let histories = 200
    static let readingsPerHistory = 120

    @Test func slotsConserveEnergyOverRandomClockRestartAndOutageHistories() async throws {
        let runSeed = ProcessInfo.processInfo.environment["SLOT_PROPERTY_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 0...UInt64.max)
        for index in 0..<UInt64(Self.histories) {
            let seed = runSeed &+ index
            let history = try await SlotHistory.run(seed: seed, readings: Self.readingsPerHistory)
            let failures = history.violations()
            #expect(failures.isEmpty, "history \(index) of seed \(runSeed) (replay: SLOT_PROPERTY_SEED=\(seed)): \(history.summary)\n\(failures.joined(separator: "\n"))")
            if !failures.isEmpty { return }
        }
    }
}

/// Whether the system clock counts as synchronised, switched by the history.
private final class ClockTrust: @unchecked Sendable {
    private let lock = NSLock()
    private var trusted = true
    var isTrusted: Bool {
        get { lock.withLock { trusted } }
        set { lock.withLock { trusted = newValue } }
    }
}

/// One random history and what it left in the journal.
private struct SlotHistory {
    /// A reading as the meter took it: its true time (seconds after the slot clock's origin), the register
    /// then, and whether the clock was trusted (an untrusted reading carries a wrong time).
    struct Taken {
        var second: Int64
        var milliwattHours: Int64
        var trusted: Bool
    }

    let slotLength: Int64
    var taken: [Taken] = []
    var restarts = 0
    var outages = 0
    var slots: [SlotClosed] = []

    var summary: String {
        "\(taken.count) readings (\(taken.filter { !$0.trusted }.count) untrusted), \(restarts) restarts, \(outages) outages, "
            + "slots of \(slotLength) s, \(slots.count) slots closed"
    }

    static let meter = "sdm630"

    /// Intervals are powers of two seconds and the register grows at a whole number of mWh a second
    /// between readings, so the register at a boundary is exactly the interpolation of the readings
    /// around it: any other value is a guess.
    static func run(seed: UInt64, readings: Int) async throws -> SlotHistory {
        var random = SplitMix64(state: seed)
        var history = SlotHistory(slotLength: [60, 64, 120].randomElement(using: &random)!)
        let clock = SlotClock(origin: JournalFixtures.base, length: Int(history.slotLength))
        let directory = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm/meterd-slot-property-\(UUID().uuidString)"
            : NSTemporaryDirectory() + "meterd-slot-property-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let trust = ClockTrust()
        trust.isTrusted = random.next() % 5 != 0
        var offset: Int64 = 0
        var second = Int64.random(in: 0..<history.slotLength, using: &random)
        var energy = Int64.random(in: 1_000_000_000...9_000_000_000, using: &random)
        var rate = Int64.random(in: 0...5000, using: &random)

        var (journal, pipeline) = try start(directory: directory, clock: clock, trust: trust)
        for _ in 0..<readings {
            let event = Int.random(in: 0..<100, using: &random)
            var interval = Int64(1) << Int64.random(in: 0...5, using: &random)
            if event < 6 {
                trust.isTrusted.toggle()
                offset = [-86_400, -3_600, -600, 0, 7_200].randomElement(using: &random)! + Int64.random(in: -30...30, using: &random)
            } else if event < 10 {
                try journal.close()
                interval = Int64(1) << Int64.random(in: 0...8, using: &random)
                (journal, pipeline) = try start(directory: directory, clock: clock, trust: trust)
                history.restarts += 1
            } else if event < 16 {
                interval = Int64(1) << Int64.random(in: 6...10, using: &random)
                history.outages += 1
            }
            second += interval
            energy += rate * interval
            rate = Int64.random(in: 0...5000, using: &random)
            let trusted = trust.isTrusted
            var reading = JournalFixtures.reading(0, meter: meter)
            reading.time = clock.origin.addingTimeInterval(Double(second + (trusted ? 0 : offset)))
            reading.energy[.importActiveEnergy] = EnergyValue(milliwattHours: energy, resolutionMilliwattHours: 1)
            if interval >= 64 {
                // As the poller does when a meter answers again.
                try await pipeline.gap(meter: meter, from: reading.time.addingTimeInterval(-Double(interval)), to: reading.time, reason: "no answer")
            }
            try await pipeline.accept(reading)
            history.taken.append(Taken(second: second, milliwattHours: energy, trusted: trusted))
        }
        try journal.close()
        history.slots = try JournalReader(directory: directory).records().compactMap { record in
            if case .slotClosed(let slot) = record.payload { slot } else { nil }
        }
        return history
    }

    /// Opens the journal and resumes slot aggregation from it, as `meterd run` does at start.
    private static func start(directory: String, clock: SlotClock, trust: ClockTrust) throws -> (Journal, ReadingPipeline) {
        let (journal, _) = try Journal.open(directory: directory, key: JournalFixtures.key, options: JournalFixtures.fastOptions)
        let resumption = try SlotResumption.aggregator(clock: clock, maximumCatchUp: 96, journal: journal, meter: meter)
        let pipeline = ReadingPipeline(journal: journal, status: StatusBoard(meterNames: [meter]), settlementMeter: meter,
                                       clockSource: .kernel, aggregator: resumption.aggregator, cutoff: nil,
                                       logger: Logger(label: "slot-property", factory: { _ in SwiftLogNoOpLogHandler() }),
                                       isClockSynchronised: { trust.isTrusted })
        return (journal, pipeline)
    }

    /// Maximal runs of consecutive trusted readings.
    var stretches: [ArraySlice<Taken>] {
        var runs: [ArraySlice<Taken>] = []
        var first: Int?
        for (index, reading) in taken.enumerated() {
            if reading.trusted, first == nil { first = index }
            if !reading.trusted, let start = first { runs.append(taken[start..<index]); first = nil }
        }
        if let start = first { runs.append(taken[start..<taken.count]) }
        return runs
    }

    /// The register at `second`, between the stretch's readings around it.
    static func register(at second: Int64, in stretch: ArraySlice<Taken>) -> Int64 {
        let after = stretch.firstIndex { $0.second >= second }!
        let b = stretch[after]
        guard b.second > second else { return b.milliwattHours }
        let a = stretch[after - 1]
        return a.milliwattHours + (b.milliwattHours - a.milliwattHours) / (b.second - a.second) * (second - a.second)
    }

    /// What breaks the property, one line each; empty when it holds.
    func violations() -> [String] {
        var problems: [String] = []
        var measured: [Int64: Int64] = [:]
        for slot in slots {
            guard let wattHours = slot.consumptionWattHours else { continue }
            if let earlier = measured[Int64(slot.slotIndex)] {
                problems.append("slot \(slot.slotIndex) closed twice with a value: \(earlier) Wh and \(wattHours) Wh")
            }
            measured[Int64(slot.slotIndex)] = wattHours
        }
        var explained = Set<Int64>()
        for stretch in stretches {
            let first = Self.firstSlot(from: stretch.first!.second, length: slotLength), end = stretch.last!.second.floorDivided(by: slotLength)
            guard first < end else { continue }
            let inside = first..<end
            var sum: Int64 = 0
            for slot in inside {
                explained.insert(slot)
                let truth = Self.register(at: (slot + 1) * slotLength, in: stretch) / 1000 - Self.register(at: slot * slotLength, in: stretch) / 1000
                guard let value = measured[slot] else {
                    problems.append("slot \(slot) lies in a stretch of trusted readings but was \(slots.contains { $0.slotIndex == UInt64(slot) } ? "closed unmeasured" : "never closed") (true: \(truth) Wh)")
                    continue
                }
                if value != truth { problems.append("slot \(slot) = \(value) Wh, true \(truth) Wh") }
                sum += value
            }
            let difference = Self.register(at: inside.upperBound * slotLength, in: stretch) / 1000
                - Self.register(at: inside.lowerBound * slotLength, in: stretch) / 1000
            if sum != difference {
                problems.append("slots \(inside.lowerBound)..<\(inside.upperBound) sum to \(sum) Wh; the register moved \(difference) Wh over them")
            }
        }
        for slot in measured.keys.sorted() where !explained.contains(slot) {
            problems.append("slot \(slot) has a value (\(measured[slot]!) Wh) but no stretch of trusted readings covers it: a guess")
        }
        return problems
    }

    static func firstSlot(from second: Int64, length: Int64) -> Int64 {
        let slot = second.floorDivided(by: length)
        return slot * length == second ? slot : slot + 1
    }
}

private extension Int64 {
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
