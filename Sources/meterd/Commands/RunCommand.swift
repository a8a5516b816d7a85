import ArgumentParser
import FoundationEssentials
import Logging
import MeterDaemon

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the daemon: poll the meters, journal and sign every reading, close slots (systemd runs this).",
        discussion: "Logs go to standard error with journald priority prefixes. SIGTERM stops it cleanly; SIGHUP (systemctl reload meterd) applies a changed poll interval and limiter thresholds at once, journals the change and names what takes effect at the next restart."
    )

    @OptionGroup var options: ConfigurationOption

    @Flag(name: .shortAndLong, help: "Log at debug level.")
    var verbose = false

    func run() async throws {
        LoggingSystem.bootstrap { label in JournaldLogHandler(label: label, level: verbose ? .debug : .info) }
        let logger = Logger(label: "meterd")
        let (configuration, source) = try options.loadWithSource()
        do {
            try await Daemon.run(configuration: configuration, source: source, logger: logger)
        } catch let failure as MeterdError where failure.isStartFailure {
            logger.critical("\(failure.description)")
            throw ExitStatus(failure)
        }
    }
}
