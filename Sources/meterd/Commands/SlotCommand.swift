import ArgumentParser
import FoundationEssentials
import MeterDaemon

struct SlotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slot",
        abstract: "The open slot against its interval, as the running daemon's slot guard sees it.",
        discussion: """
            Shows the open slot, its bounds, the energy so far, the projection at the slot's end, the time left, the guard's state \
            and its advice, from the report meterd run publishes in the state directory (docs/slot-guard.md). Exit status 1 when \
            the daemon is not running, the report is stale (the settlement meter has not been read for a few polls) or there is \
            no guard; 78 when the configuration gives no interval ([guard] or [chain]).
            """
    )

    @OptionGroup var options: ConfigurationOption

    @Flag(help: "One JSON object with the same facts.")
    var json = false

    @Option(help: ArgumentHelp("Show it again every this many seconds until interrupted.", valueName: "seconds"))
    var watch: Double?

    func validate() throws {
        if let watch, !(0.1...86_400).contains(watch) { throw ValidationError("--watch takes 0.1 to 86400 seconds") }
    }

    func run() async throws {
        let configuration = try options.load()
        var first = true
        repeat {
            let (view, readError) = SlotGuardView.collect(configuration: configuration)
            if watch == nil, let notConfigured = view.notConfigured { throw CommandFailure(.configuration, "no slot guard: \(notConfigured)") }
            if let readError { Terminal.warning(readError) }
            if json {
                Terminal.json(view.json())
            } else {
                if watch != nil {
                    if !first { Terminal.output("") }
                    Terminal.output(ReadingReport.timestamp(view.now))
                }
                for (name, value) in view.lines() {
                    Terminal.output("\(name + ":")\(String(repeating: " ", count: max(1, 11 - name.count)))\(value)")
                }
            }
            first = false
            guard let watch else {
                if !view.isHealthy { throw ExitStatus.failure }
                return
            }
            try await Task.sleep(nanoseconds: UInt64(watch * 1e9))
        } while true
    }
}
