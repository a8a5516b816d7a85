import ArgumentParser
import ChainClient
import Drivers
import FoundationEssentials
import MeterDaemon

struct ProbeModbusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modbus",
        abstract: "Find responding Modbus unit ids and the shipped profile that fits each.",
        discussion: """
            On a serial line, every combination of --baud and --parity is tried until one where units answer \
            (a bus runs at one setting; --all-settings keeps going). Over TCP, --host names the meter or gateway.
            Examples:
              meterd probe modbus --device /dev/ttyUSB0 --baud 9600,19200 --parity N,E --ids 1-10
              meterd probe modbus --host 10.0.0.5:502
            """
    )

    @Option(help: ArgumentHelp("Serial device of the RS-485 adapter.", valueName: "path"))
    var device: String?

    @Option(help: ArgumentHelp("Modbus TCP host, host:port, [IPv6] or [IPv6]:port (port 502 by default).", valueName: "host"))
    var host: ModbusTCPHost?

    @Option(help: ArgumentHelp("Baud rates to try (300 to 921600), comma-separated.", valueName: "list"))
    var baud = BaudRates([2400, 4800, 9600, 19200, 38400])

    @Option(help: ArgumentHelp("Parities to try: N, E, O, comma-separated.", valueName: "list"))
    var parity = Parities([.none, .even])

    @Option(help: ArgumentHelp("Unit ids to try (1 to 247), e.g. 1-247 or 1,2,10-20.", valueName: "ids"))
    var ids = UnitIDList(argument: "1-247")!

    @Option(help: ArgumentHelp("How long each unit may take to answer, in milliseconds.", valueName: "ms"))
    var timeoutMs = 200

    @Flag(help: "Keep scanning further baud/parity settings after one where units answered.")
    var allSettings = false

    @Option(help: ArgumentHelp("A profile directory to use instead of the installed ones.", valueName: "dir"))
    var profiles: [String] = []

    func validate() throws {
        if (device == nil) == (host == nil) { throw ValidationError("give either --device (Modbus RTU) or --host (Modbus TCP)") }
        if !(10...10_000).contains(timeoutMs) { throw ValidationError("--timeout-ms takes 10 to 10000") }
    }

    func run() async throws {
        let endpoints = makeEndpoints()
        let units = ids.ids
        let library = ProfileLibrary(directories: profiles.isEmpty ? ProfileLibrary.defaultDirectories : profiles)
        let (candidates, problems) = library.loadAll()
        for problem in problems { Terminal.warning("profile skipped: \(problem)") }
        let probe = ModbusProbe(endpoints: endpoints, units: units, profiles: candidates,
                                responseTimeout: Double(timeoutMs) / 1000, scanAllSettings: allSettings)
        let result: ModbusProbe.Result
        do {
            result = try await probe.run { progress in Self.show(progress) }
        } catch {
            Terminal.endProgress()
            throw CommandFailure(.failure, error.description)
        }
        Terminal.endProgress()
        for refusal in result.refusals {
            Terminal.output("\(Self.describe(refusal.endpoint)) units \(UnitIDRanges.describe(refusal.units)): every request answered with "
                + "\(refusal.exception) and no profile fits: not meters (a gateway or simulator answering for ids with no meter behind them)")
        }
        guard !result.findings.isEmpty else {
            let what = result.refusals.isEmpty ? "no unit answered" : "no unit answered like a meter"
            Terminal.output("\(what) (\(units.count) id(s) on \(endpoints.count) setting(s)); check wiring (A/B swapped?), termination and settings")
            throw ExitStatus.failure
        }
        for finding in result.findings {
            var line = "\(Self.describe(finding.endpoint)) unit \(finding.unit): "
            if let best = finding.fits.first {
                line += "\(best.profile) (\(best.plausible) of \(best.total) quantities plausible)"
                let others = finding.fits.dropFirst().map { "\($0.profile) (\($0.plausible) of \($0.total))" }
                if !others.isEmpty { line += "; also fits " + others.joined(separator: ", ") }
            } else {
                line += "answers, but no shipped profile fits: write one (see /usr/share/meterd/meter-profile-example.toml, or hardware/ in the source)"
            }
            Terminal.output(line)
        }
    }

    private func makeEndpoints() -> [ModbusEndpoint] {
        if let host { return [.tcp(host: host.address.host, port: host.address.port)] }
        return baud.rates.flatMap { rate in parity.parities.map { .rtu(SerialSettings(device: device!, baud: rate, parity: $0)) } }
    }

    private static func describe(_ endpoint: ModbusEndpoint) -> String {
        switch endpoint {
        case .tcp: return endpoint.description
        case .rtu(let serial): return "\(serial.device) \(serial.baud) 8\(serial.parity.rawValue)1"
        }
    }

    private static func show(_ progress: ModbusProbe.Progress) {
        switch progress {
        case .setting(let endpoint, let index, let count):
            Terminal.progress("setting \(index + 1)/\(count): \(describe(endpoint))")
        case .unit(let unit, let index, let count):
            Terminal.progress("scanning unit \(unit) (\(index + 1)/\(count))")
        case .found(let unit):
            Terminal.endProgress()
            StandardStream.error.write("unit \(unit) answers; identifying…\n")
        }
    }
}
