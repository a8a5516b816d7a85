import ArgumentParser
import FoundationEssentials
import MeterDaemon

/// `--config PATH`, shared by every command that reads meterd.toml.
struct ConfigurationOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The configuration file (or $METERD_CONFIG).", valueName: "path"))
    var config: String = ProcessInfo.processInfo.environment["METERD_CONFIG"] ?? ConfigurationLoader.defaultPath

    /// The configuration, or every problem printed to standard error and exit status 78 (EX_CONFIG).
    func load() throws -> MeterdConfiguration {
        try loadWithSource().configuration
    }

    /// The same, with the file as read.
    func loadWithSource() throws -> (configuration: MeterdConfiguration, source: TOMLSource) {
        do {
            return try ConfigurationLoader.loadWithSource(path: config)
        } catch {
            throw CommandFailure(.configuration, error.description)
        }
    }
}
