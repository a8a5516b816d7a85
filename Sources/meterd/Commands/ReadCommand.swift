import ArgumentParser
import Drivers
import FoundationEssentials
import MeterDaemon

struct ReadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Read every configured meter once, or repeatedly, and show its quantities.",
        discussion: """
            Energy registers show their step at the current value (a float32 kWh register's resolution grows with the count). \
            A quantity the meter does not give shows as n/a with the reason. Exit status 1 when a meter does not answer or \
            the settlement meter gives no import energy.
            """
    )

    @OptionGroup var options: ConfigurationOption

    @Option(help: ArgumentHelp("Read only this meter (repeat for several).", valueName: "name"))
    var meter: [String] = []

    @Flag(help: "One JSON object per reading, one per line.")
    var json = false

    @Option(help: ArgumentHelp("Read again every this many seconds until interrupted.", valueName: "seconds"))
    var watch: Double?

    @Flag(name: .shortAndLong, help: "Log every Modbus retry and reconnect.")
    var verbose = false

    func validate() throws {
        if let watch, !(0.1...86_400).contains(watch) { throw ValidationError("--watch takes 0.1 to 86400 seconds") }
    }

    func run() async throws {
        Terminal.bootstrapLogging(verbose: verbose)
        let configuration = try options.load()
        for name in meter where configuration.meter(named: name) == nil {
            throw CommandFailure(.usage, "no meter named \(name) in \(options.config); configured: \(configuration.meters.map(\.name).joined(separator: ", "))")
        }
        let set: MeterSet
        do { set = try MeterFactory.make(configuration, only: meter.isEmpty ? nil : Set(meter)) } catch {
            throw CommandFailure(.failure, error.description)
        }
        let session = MeterReadSession(configuration: configuration, meters: set)
        repeat {
            let started = Date()
            let outcomes = await session.readAll()
            let healthy = show(outcomes, configuration: configuration)
            guard let watch else {
                if !healthy { throw ExitStatus.failure }
                return
            }
            let pause = watch - Date().timeIntervalSince(started)
            if pause > 0 { try await Task.sleep(nanoseconds: UInt64(pause * 1e9)) }
        } while true
    }

    /// Shows each outcome; false when a meter failed or the settlement meter gave no import energy.
    private func show(_ outcomes: [MeterReadSession.Outcome], configuration: MeterdConfiguration) -> Bool {
        // Under --watch every warning and error line carries the time, as the tables do.
        let stamp = watch == nil ? "" : ReadingReport.timestamp(Date()) + " "
        var healthy = true
        for outcome in outcomes {
            for rejection in outcome.rejections { Terminal.warning(stamp + rejection.description) }
            switch outcome.result {
            case .read(let reading):
                if json {
                    Terminal.json(ReadingReport.json(reading))
                } else {
                    Terminal.output(ReadingReport.table(reading, heading: outcome.heading) + "\n")
                }
                for warning in ReadingReport.resolutionWarnings(reading, expectedSlotWh: configuration.meter(named: reading.meter)?.expectedSlotWh) {
                    Terminal.warning(stamp + warning)
                }
                if reading.meter == configuration.daemon.settlementMeter, reading.energy[.importActiveEnergy] == nil {
                    let why = reading.unavailable[.importActiveEnergy]?.description ?? "not in the meter's profile"
                    Terminal.warning(stamp + "\(reading.meter) is the settlement meter and its import energy has no value (\(why)): "
                        + "meterd run would leave its slots unmeasured")
                    healthy = false
                }
            case .failed(let message):
                healthy = false
                if json {
                    Terminal.json(.object(["meter": .string(outcome.meter), "error": .string(message)]))
                } else {
                    Terminal.error(stamp + "\(outcome.heading): \(message)")
                }
            }
        }
        return healthy
    }
}
