import ArgumentParser
import FoundationEssentials
import MeterDaemon

struct RelayTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Pulse the relay to disconnected and back, journaled; only while meterd is stopped and the supply is connected.",
        discussion: "Refused (exit status 3) while another process (meterd run) holds the line or the journal, and while the supply is commanded disconnected."
    )

    @OptionGroup var options: RelayOptions

    @Option(help: ArgumentHelp("How long the supply stays cut: 500ms, 2s (50 ms to 10 s).", valueName: "duration"))
    var pulse: String = "500ms"

    func validate() throws { _ = try milliseconds() }

    func milliseconds() throws -> Int {
        guard let value = RelayDuration.milliseconds(pulse, in: 50...10_000) else { throw ValidationError("--pulse takes 50ms to 10s, e.g. 500ms or 2s") }
        return value
    }

    func run() throws {
        let relay = try options.relay()
        let milliseconds = try milliseconds()
        do {
            _ = try options.field(relay).test(milliseconds: milliseconds, key: try options.key(relay)) { pause(milliseconds: $0) }
            Terminal.output("pulsed:    \(milliseconds) ms disconnected, then connected again (journaled)")
        } catch let error as RelayFieldError {
            throw RelayOptions.fail(error)
        }
    }
}
