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

    @Option(help: ArgumentHelp("Modbus TCP host[:port] (port 502 by default).", valueName: "host"))
    var host: String?

    @Option(help: ArgumentHelp("Baud rates to try, comma-separated.", valueName: "list"))
    var baud = "2400,4800,9600,19200,38400"

    @Option(help: ArgumentHelp("Parities to try: N, E, O, comma-separated.", valueName: "list"))
    var parity = "N,E"

    @Option(help: ArgumentHelp("Unit ids to try, e.g. 1-247 or 1,2,10-20.", valueName: "ids"))
    var ids = "1-247"

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
        let endpoints = try makeEndpoints()
        let units: [UInt8]
        do { units = try UnitIDRanges.parse(ids) } catch { throw ValidationError("--ids: \(error)") }
        let library = ProfileLibrary(directories: profiles.isEmpty ? ProfileLibrary.defaultDirectories : profiles)
        let (candidates, problems) = library.loadAll()
        for problem in problems { Terminal.warning("profile skipped: \(problem)") }
        let probe = ModbusProbe(endpoints: endpoints, units: units, profiles: candidates,
                                responseTimeout: Double(timeoutMs) / 1000, scanAllSettings: allSettings)
        let findings: [ModbusProbe.Finding]
        do {
            findings = try await probe.run { progress in Self.show(progress) }
        } catch {
            Terminal.endProgress()
            Terminal.error(error.description)
            throw ExitCode(1)
        }
        Terminal.endProgress()
        guard !findings.isEmpty else {
            Terminal.output("no unit answered (\(units.count) id(s) on \(endpoints.count) setting(s)); check wiring (A/B swapped?), termination and settings")
            throw ExitCode(1)
        }
        for finding in findings {
            var line = "\(Self.describe(finding.endpoint)) unit \(finding.unit): "
            if let best = finding.fits.first {
                line += "\(best.profile) (\(best.plausible) of \(best.total) quantities plausible)"
                let others = finding.fits.dropFirst().map { "\($0.profile) (\($0.plausible) of \($0.total))" }
                if !others.isEmpty { line += "; also fits " + others.joined(separator: ", ") }
            } else {
                line += "answers, but no shipped profile fits: write one (hardware/meter-profile-example.toml)"
            }
            Terminal.output(line)
        }
    }

    private func makeEndpoints() throws -> [ModbusEndpoint] {
        if let host {
            let parts = host.split(separator: ":", maxSplits: 1)
            let port = parts.count == 2 ? Int(parts[1]) : 502
            guard let port, (1...65535).contains(port), !parts[0].isEmpty else { throw ValidationError("--host takes host or host:port") }
            return [.tcp(host: String(parts[0]), port: port)]
        }
        let bauds = try baud.split(separator: ",").map { text -> Int in
            guard let value = Int(text.trimmed()), (300...921_600).contains(value) else {
                throw ValidationError("--baud: '\(text)' is not a baud rate")
            }
            return value
        }
        let parities = try parity.split(separator: ",").map { text -> SerialSettings.Parity in
            guard let value = SerialSettings.Parity(rawValue: text.trimmed().uppercased()) else {
                throw ValidationError("--parity: '\(text)' is not N, E or O")
            }
            return value
        }
        return bauds.flatMap { baud in parities.map { .rtu(SerialSettings(device: device!, baud: baud, parity: $0)) } }
    }

    private static func describe(_ endpoint: ModbusEndpoint) -> String {
        switch endpoint {
        case .tcp(let host, let port): return "\(host):\(port)"
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
