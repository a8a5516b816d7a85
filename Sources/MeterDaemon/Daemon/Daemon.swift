import ChainClient
import Cutoff
import Drivers
import FoundationEssentials
import Glibc
import Logging
import ServiceLifecycle
import UnixSignals

/// `meterd run`: opens the key, the journal and the meters, then runs the services until SIGTERM.
public enum Daemon {
    public static func run(configuration: MeterdConfiguration, source: TOMLSource, logger: Logger,
                           notifier: SystemdNotifier = SystemdNotifier(), environment: [String: String] = ProcessInfo.processInfo.environment) async throws {
        let settings = configuration.daemon
        // As systemd runs services (IgnoreSIGPIPE=yes), also when started by hand: OpenSSL writes to
        // its socket with write(2), and a node that closed the connection must end the exchange with
        // EPIPE, not end meterd.
        signal(SIGPIPE, SIG_IGN)
        notifier.status("starting: opening the device key and the journal")
        let key: PrivateKey
        do {
            try finishKeyRotation(settings, logger: logger)
            key = try DeviceKeyFile.load(path: settings.keyFile)
        } catch {
            throw MeterdError.start(.key, "\(error)")
        }
        try makeDirectory(settings.stateDirectory)
        // Before the journal: a key the agreement does not name must not sign a record.
        var chain: ChainSetup?
        if let chainSettings = configuration.chain {
            do { chain = try await ChainSetup.start(chainSettings, key: key, logger: logger) } catch {
                if let failure = error as? MeterdError, failure.isStartFailure { throw failure }
                throw MeterdError.start(.chain, "chain: \(error)")
            }
        }
        let (journal, recovery): (Journal, RecoveryReport)
        do { (journal, recovery) = try Journal.open(directory: settings.journalDirectory, key: key, options: settings.journal) } catch {
            guard let failure = error as? MeterdError, case .journal(.wrongKey) = failure.code else { throw error }
            throw MeterdError.start(.key, "device key \(settings.keyFile): \(error)")
        }
        logger.info("journal open", metadata: [
            "directory": "\(settings.journalDirectory)", "records": "\(recovery.records)", "head": "\(recovery.head.sequence)",
            "device": "\(key.address.checksummed)",
        ])
        for cut in recovery.cuts { logger.warning("journal: a torn record was cut at start", metadata: ["segment": "\(cut.segment)", "offset": "\(cut.offset)"]) }
        for damage in recovery.breaks { logger.error("journal: a damaged segment was kept aside: \(damage.detail)", metadata: ["segment": "\(damage.segment)"]) }
        for problem in recovery.signerProblems { logger.error("journal: \(problem)", metadata: ["directory": "\(settings.journalDirectory)"]) }
        for finding in recovery.headFindings {
            logger.log(level: finding.isDamage ? .error : .warning, "journal: \(finding)", metadata: ["directory": "\(settings.journalDirectory)"])
        }

        let configurationHash = Keccak256.hash(Array(source.text.utf8))
        _ = try await journal.append([
            JournalEntry(time: Date(), clockSynchronised: ClockSynchronisation.isSynchronised(settings.clock), payload: .daemonStart(version: MeterdVersion.current)),
            JournalEntry(time: Date(), clockSynchronised: ClockSynchronisation.isSynchronised(settings.clock), payload: .configChange(ConfigChange(
                hash: configurationHash, summary: "\(configuration.meters.count) meters on \(configuration.buses.count) buses, loaded at start"))),
        ])

        let meters: MeterSet
        do { meters = try MeterFactory.make(configuration, logger: logger) } catch {
            closeJournal(journal, after: "the meters could not be set up", logger: logger)
            throw MeterdError.start(.meters, error.description)
        }
        let status = StatusBoard(meterNames: configuration.meters.map(\.name))
        let clock = chain?.terms.clock ?? SlotClock(origin: Date(timeIntervalSince1970: 0), length: configuration.slotLength)
        if let chain, Int(chain.terms.slotSeconds) != configuration.slotLength {
            logger.notice("the agreement's slots are \(chain.terms.slotSeconds) s (slot_length_seconds says \(configuration.slotLength)): the contract's length is used")
        }
        // At most a period of slots is caught up one by one; a longer gap is one skipped range.
        let maximumCatchUp = Int64(chain?.terms.slotsPerPeriod ?? UInt64(max(1, 86_400 / clock.length)))
        var aggregator: SlotAggregator?
        if let meter = settings.settlementMeter {
            let resumption = try SlotResumption.aggregator(clock: clock, maximumCatchUp: maximumCatchUp, journal: journal, meter: meter)
            aggregator = resumption.aggregator
            if let change = resumption.clockChange {
                logger.notice("slot clock changed: \(change)")
                let now = Date()
                _ = try await journal.append([JournalEntry(time: now, payload: .gap(Gap(meter: meter, from: now, to: now, reason: change)))])
            }
        }
        let cutoff: CutoffService?
        do { cutoff = try startRelay(configuration, journal: journal, contract: chain?.cutoffState, status: status, logger: logger) } catch {
            closeJournal(journal, after: "the relay could not be set up", logger: logger)
            throw MeterdError.start(.relay, "relay: \(error)")
        }
        let submitter = chain.map { chain in
            BatchSubmitterService(chain: chain.configuration, rpc: chain.rpc, sender: chain.sender, journal: journal, status: status,
                                  cutoff: cutoff, batchSlots: chain.configuration.batchSlots,
                                  maxWait: chain.configuration.batchMaxWaitSeconds, logger: logger)
        }
        let loadOutput: (output: ModbusCoilOutput, ownBus: Bool)?
        do { loadOutput = try makeLoadOutput(configuration, buses: meters.modbusBuses, logger: logger) } catch {
            closeJournal(journal, after: "the guard output could not be set up", logger: logger)
            throw MeterdError.start(.guardOutput, "[guard] output: \(error)")
        }
        var gpioOutput: GPIOLoadOutput?
        if let settings = configuration.slotGuard?.gpioOutput {
            do { gpioOutput = try makeGPIOLoadOutput(settings) } catch {
                closeJournal(journal, after: "the guard output could not be set up", logger: logger)
                throw MeterdError.start(.guardOutput, "[guard] output: \(error)")
            }
        }
        let slotGuard = await SlotGuardMonitor.start(configuration: configuration, chain: chain, clock: clock,
                                                     output: loadOutput?.output ?? gpioOutput, logger: logger)
        let pipeline = ReadingPipeline(journal: journal, status: status, settlementMeter: settings.settlementMeter,
                                       clockSource: settings.clock, aggregator: aggregator, cutoff: cutoff,
                                       logger: logger, slotGuard: slotGuard)
        let live = LiveSettings(pollInterval: configuration.pollInterval)
        let poller = MeterPollerService(meters: meters.meters, live: live, pipeline: pipeline, status: status,
                                        logger: logger, stallFile: environment["METERD_TEST_STALL_FILE"])
        let longestTimeout = configuration.buses.values.map(\.worstCaseReadSeconds).max() ?? 1
        let watchdog = WatchdogService(notifier: notifier, status: status, live: live, longestReadSeconds: longestTimeout)
        let metrics = MetricsService(settings: settings.metrics, status: status, logger: logger)
        let reload = ReloadService(hangups: await UnixSignalsSequence(trapping: .sighup), running: source.root, configuration: configuration,
                                   live: live, cutoff: cutoff?.controller, journal: journal, logger: logger, notifier: notifier)

        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: poller), .init(service: watchdog), .init(service: reload)]
        if settings.metrics != .off { services.append(.init(service: metrics)) }
        if let cutoff { services.append(.init(service: cutoff)) }
        if let submitter, let chain {
            services.append(.init(service: submitter))
            services.append(.init(service: EventWatcherService(chain: chain.configuration, rpc: chain.rpc, watcher: chain.watcher,
                                                               cutoff: cutoff, status: status, logger: logger)))
        }
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        notifier.ready(status: "running: \(meters.meters.count) meters, journal at record \(journal.head.sequence)")
        logger.notice("meterd running", metadata: ["meters": "\(meters.meters.map(\.name).joined(separator: ","))", "device": "\(key.address.checksummed)"])
        do {
            try await group.run()
        } catch {
            logger.error("stopping after a failure: \(error)")
            notifier.stopping(status: "stopping after a failure: \(error)")
            do { _ = try await journal.append([JournalEntry(time: Date(), payload: .daemonStop(reason: "failure: \(error)"))]) } catch let journalError {
                logger.error("journal: the stop record was not written: \(journalError)")
            }
            closeJournal(journal, after: "the failure", logger: logger)
            throw error
        }
        do { try await pipeline.stopGuardOutput() } catch {
            logger.error("slot guard output: the record of its end at stop was not written: \(error)")
        }
        notifier.stopping(status: "stopping: journal synced")
        _ = try await journal.append([JournalEntry(time: Date(), payload: .daemonStop(reason: "stopped by signal"))])
        try journal.close()
        for bus in meters.modbusBuses.values { bus.close() }
        if let loadOutput, loadOutput.ownBus { loadOutput.output.bus.close() }
        logger.notice("meterd stopped cleanly", metadata: ["head": "\(journal.head.sequence)"])
    }

    /// A key rotation interrupted once the journal was handed over is finished here (`DeviceKeyRotation`).
    static func finishKeyRotation(_ settings: DaemonSettings, logger: Logger) throws {
        switch try DeviceKeyRotation.completeInterrupted(keyPath: settings.keyFile, journalDirectory: settings.journalDirectory) {
        case .completed(let outcome):
            logger.notice("finished an interrupted key rotation: the journal was handed over to \(outcome.new.checksummed), which is now in \(settings.keyFile); the old key is kept as \(outcome.backup)")
        case .unused(let path, _):
            logger.warning("\(path) was left by a key rotation interrupted before it reached the journal and signed nothing: remove it, or run `meterd key rotate` again")
        case .none:
            break
        }
    }

    /// The coil output `[guard] output = "modbus-coil"` names: on a meters' bus (shared, so its access
    /// stays serialised) or a bus of its own (`ownBus`, closed at stop).
    static func makeLoadOutput(_ configuration: MeterdConfiguration, buses: [String: ModbusBus],
                               logger: Logger) throws -> (output: ModbusCoilOutput, ownBus: Bool)? {
        guard let settings = configuration.slotGuard?.output else { return nil }
        let bus: ModbusBus
        var own = false
        switch settings.target {
        case .bus(let name):
            if let shared = buses[name] {
                bus = shared
            } else if case .modbus(let endpoint, let timing)? = configuration.buses[name] {
                bus = try ModbusBus(endpoint: endpoint, timing: timing, logger: logger)
                own = true
            } else {
                throw MeterdError.notAModbusBus(name)
            }
        case .tcp(let host, let port):
            bus = try ModbusBus(endpoint: .tcp(host: host, port: port), timing: BusTiming(), logger: logger)
            own = true
        }
        return (ModbusCoilOutput(bus: bus, unit: settings.unit, shedCoil: settings.shedCoil, addCoil: settings.addCoil), own)
    }

    /// The GPIO lines `[guard] output = "gpio"` names, requested inactive (no request); kept in memory
    /// for `output_chip = "simulated"`, as the relay's.
    static func makeGPIOLoadOutput(_ settings: GPIOLoadOutputConfiguration) throws -> GPIOLoadOutput {
        let provider: any GPIOLineProvider = settings.shedLine.chip == "simulated" ? SimulatedLineProvider() : LibgpiodLineProvider()
        let shed = try provider.requestOutput(settings.shedLine, initiallyActive: false)
        let add = try settings.addLine.map { try provider.requestOutput($0, initiallyActive: false) }
        return GPIOLoadOutput(shedLine: shed, addLine: add,
                              place: "shed \(settings.shedLine)" + (settings.addLine.map { ", add \($0)" } ?? ""))
    }

    /// Requests the relay line at its reconciled position before meterd reports ready.
    static func startRelay(_ configuration: MeterdConfiguration, journal: Journal, contract: ContractCutoffState?,
                           status: StatusBoard, logger: Logger) throws -> CutoffService? {
        guard let relay = configuration.relay else { return nil }
        let startup = try RelayStartup.start(relay, limiter: configuration.limiter, journal: journal, contract: contract,
                                             provider: relay.lineProvider, logger: logger)
        logger.notice("relay ready", metadata: ["line": "\(relay.line)", "state": "\(startup.controller.state.state)"])
        return CutoffService(startup: startup, relay: relay, status: status, logger: logger)
    }

    /// On a failure path the failure is what is reported; a journal that does not close cleanly as
    /// well is logged beside it, not lost.
    static func closeJournal(_ journal: Journal, after failure: String, logger: Logger) {
        do { try journal.close() } catch {
            logger.error("journal: not closed cleanly after \(failure): \(error)")
        }
    }

    static func makeDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        } catch {
            throw MeterdError.start(.stateDirectory, "cannot create the state directory \(path): \(error.systemMessage); "
                                    + "systemd's StateDirectory=meterd creates it for the service user")
        }
    }
}

extension BusConfiguration {
    /// The longest one read may take on this bus: every attempt timing out, with the pauses between.
    var worstCaseReadSeconds: Double {
        switch self {
        case .modbus(_, let timing):
            return timing.worstCaseRequestSeconds
        case .i2c:
            return 1
        }
    }
}
