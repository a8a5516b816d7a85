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
    var pulse = RelayDuration(milliseconds: 500)

    func validate() throws {
        guard (50...10_000).contains(pulse.milliseconds) else { throw ValidationError("--pulse takes 50ms to 10s, e.g. 500ms or 2s") }
    }

    func run() throws {
        let relay = try options.relay()
        let milliseconds = pulse.milliseconds
        do {
            _ = try options.field(relay).test(milliseconds: milliseconds, key: try options.key(relay)) { pause(milliseconds: $0) }
            Terminal.output("pulsed:    \(milliseconds) ms disconnected, then connected again (journaled)")
        } catch let error as MeterdError {
            throw CommandFailure(error)
        }
    }
}
