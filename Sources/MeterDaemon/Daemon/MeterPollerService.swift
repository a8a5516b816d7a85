import Drivers
import FoundationEssentials
import Logging
import ServiceLifecycle

/// Polls every meter at the poll interval, each on its own task (meters on one bus still take turns
/// on it), and hands each reading to the pipeline. A meter that stops answering is logged once, and
/// when it answers again the outage is journaled as a gap; its cumulative register then carries the
/// energy of the whole outage, so none is lost.
struct MeterPollerService: Service {
    let meters: [any Meter]
    let live: LiveSettings
    let pipeline: ReadingPipeline
    let status: StatusBoard
    let logger: Logger
    /// Test hook for the hardware-in-the-loop watchdog test: while this file exists, the poll loop
    /// blocks (the watchdog then stops pinging and systemd restarts meterd). nil in production.
    let stallFile: String?

    func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for meter in meters {
                group.addTask { try await poll(meter) }
            }
            group.addTask { try await heartbeat() }
            try await group.waitForAll()
        }
    }

    private func poll(_ meter: any Meter) async throws {
        var unreachableSince: Date?
        while keepRunning {
            let started = Date()
            do {
                let reading = try await meter.read()
                if let since = unreachableSince {
                    try await pipeline.accept(reading)
                    try await pipeline.gap(meter: meter.name, from: since, to: reading.time, reason: "meter did not answer")
                    unreachableSince = nil
                } else {
                    try await pipeline.accept(reading)
                }
            } catch let error as MeterdError where error.isJournalRefusal {
                // The pipeline said so (once per episode, with the room needed) and status shows it.
            } catch {
                if unreachableSince == nil {
                    unreachableSince = started
                    logger.warning("meter does not answer: \(error)", metadata: ["meter": "\(meter.name)"])
                }
                await status.recordFailure(meter: meter.name, kind: MeterFailureKind(error).rawValue, message: "\(error)", at: started)
            }
            let elapsed = Date().timeIntervalSince(started)
            await pause(seconds: live.pollInterval - elapsed)
        }
    }

    /// Marks a completed round of the poll loop for the watchdog.
    private func heartbeat() async throws {
        while keepRunning {
            if let stallFile {
                while keepRunning, FileManager.default.fileExists(atPath: stallFile) { await pause(seconds: 0.1) }
            }
            await status.pollCycleCompleted(at: Date())
            await pause(seconds: live.pollInterval)
        }
    }
}
