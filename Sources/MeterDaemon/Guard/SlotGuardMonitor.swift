import Drivers
import FoundationEssentials
import Logging

/// The guard in the running daemon: the pipeline hands it each settlement reading after the slot
/// aggregator; it logs each change of state (not each poll) at notice level, puts the report on the
/// status board (STATUS=, metrics) and publishes it for `meterd slot`.
struct SlotGuardMonitor: Sendable {
    private var core: SlotGuard
    private let path: String
    private let refreshSeconds: Double
    private var lastState: String?
    private var publishFailing = false
    /// The output that asks the site to shed or add load, when `[guard] output` names one.
    private var output: SlotGuardOutput?

    init(core: SlotGuard, stateDirectory: String, refreshSeconds: Double, output: SlotGuardOutput? = nil) {
        self.core = core
        self.output = output
        self.path = SlotGuardPublication.path(stateDirectory: stateDirectory)
        self.refreshSeconds = refreshSeconds
    }

    /// The guard for this configuration, or nil (said once in the log, and in the published file) when
    /// no interval is known: `[guard]` without a chain, the agreement's profile with one.
    static func start(configuration: MeterdConfiguration, chain: ChainSetup?, clock: SlotClock, output: (any LoadRequestOutput)? = nil,
                      logger: Logger) async -> SlotGuardMonitor? {
        let settings = configuration.daemon
        let path = SlotGuardPublication.path(stateDirectory: settings.stateDirectory)
        func off(_ why: String) -> SlotGuardMonitor? {
            logger.notice("slot guard off: \(why)")
            do { try SlotGuardPublication(published: Date(), refreshSeconds: configuration.pollInterval, report: nil, noGuard: why).write(to: path) } catch {
                logger.warning("slot guard: cannot write \(path): \(error)")
            }
            return nil
        }
        guard settings.settlementMeter != nil else { return off("no settlement meter ([meterd] settlement_meter)") }
        let intervals: SlotIntervals
        if let chain {
            guard let profile = await AgreementProfile.load(chain: chain.configuration, rpc: chain.rpc, logger: logger) else {
                return off("the agreement's profile is not known (no node answered and none is cached)")
            }
            intervals = .profile(profile)
        } else if let interval = configuration.slotGuard?.interval {
            intervals = .everySlot(interval)
        } else {
            return off("no interval: add [guard] slot_min_wh and slot_max_wh, or [chain] to take each slot's from the agreement")
        }
        let power = RecentPower.scaled(toSlotSeconds: Double(clock.length), pollSeconds: configuration.pollInterval,
                                       window: configuration.slotGuard?.powerWindowSeconds)
        logger.notice("slot guard on: intervals from \(intervals.origin); recent power \(power.span)")
        var guardOutput: SlotGuardOutput?
        let outputSettings: (timing: LoadRequestTiming, canAdd: Bool)? = configuration.slotGuard.flatMap { settings in
            settings.output.map { ($0.timing, $0.addCoil != nil) } ?? settings.gpioOutput.map { ($0.timing, $0.addLine != nil) }
        }
        if let output, let outputSettings {
            logger.notice("slot guard output: \(output.place)")
            guardOutput = SlotGuardOutput(controller: LoadRequestController(timing: outputSettings.timing, canAdd: outputSettings.canAdd), output: output)
        }
        var monitor = SlotGuardMonitor(core: SlotGuard(intervals: intervals, clock: clock, maximumPowerWatts: configuration.slotGuard?.maximumPowerWatts,
                                                       power: power),
                                       stateDirectory: settings.stateDirectory, refreshSeconds: configuration.pollInterval, output: guardOutput)
        monitor.publish(.unavailable(.waiting, at: Date()), logger: logger)
        return monitor
    }

    /// One settlement reading, with the aggregator's open slot after it. `supplyConnected`: the relay's
    /// commanded supply (no load request while a cutoff holds it open). Answers the journal entries
    /// for a change of the output's request.
    mutating func follow(_ reading: Reading, synchronised: Bool, open: SlotAggregator.OpenSlot?, supplyConnected: Bool = true,
                         status: StatusBoard, logger: Logger) async -> [JournalEntry] {
        let report: SlotGuardReport
        if !synchronised {
            report = core.clockNotSynchronised(at: reading.time)
        } else if let energy = reading.energy[.importActiveEnergy] {
            report = core.observe(time: reading.time, milliwattHours: energy.milliwattHours, open: open)
        } else {
            report = core.registerMissing(at: reading.time, open: open)
        }
        if report.stateName != lastState {
            lastState = report.stateName
            var metadata: Logger.Metadata = ["state": "\(report.stateName)"]
            if let slot = report.slot { metadata["slot"] = "\(slot)" }
            if let projection = report.projection {
                metadata["projected_wh"] = "\(Int64(projection.projectedWattHours.rounded()))"
                metadata["interval_wh"] = "\(projection.interval.minimumWattHours.plainText)-\(projection.interval.maximumWattHours.plainText)"
            }
            let slot = report.slot.map { "slot \($0) " } ?? ""
            logger.notice("slot guard: \(slot)\(report.stateName): \(report.explanation)", metadata: metadata)
        }
        await status.slotGuard(report)
        publish(report, logger: logger)
        guard var current = output else { return [] }
        let entry = await current.follow(report, supplyConnected: supplyConnected, logger: logger)
        output = current
        await status.loadRequest(current.controller.request, written: current.isWritten)
        return entry.map { [$0] } ?? []
    }

    /// At a clean stop: clears the output; the journal entry when a request was in force.
    mutating func stop(logger: Logger) async -> JournalEntry? {
        guard var current = output else { return nil }
        let entry = await current.stop(at: Date(), logger: logger)
        output = current
        return entry
    }

    /// A file that cannot be written is said once per episode; the guard goes on.
    private mutating func publish(_ report: SlotGuardReport, logger: Logger) {
        do {
            try SlotGuardPublication(published: Date(), refreshSeconds: refreshSeconds, report: report).write(to: path)
            if publishFailing { logger.notice("slot guard: \(path) is written again") }
            publishFailing = false
        } catch {
            if !publishFailing { logger.warning("slot guard: cannot write \(path): \(error); meterd slot shows it as stale") }
            publishFailing = true
        }
    }
}
