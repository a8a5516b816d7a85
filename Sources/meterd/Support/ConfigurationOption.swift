import ArgumentParser
import FoundationEssentials
import MeterDaemon

/// `--config PATH`, shared by every command that reads meterd.toml.
struct ConfigurationOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The configuration file (or $METERD_CONFIG).", valueName: "path"))
    var config: String = ProcessInfo.processInfo.environment["METERD_CONFIG"] ?? ConfigurationLoader.defaultPath

    /// The configuration, or every problem printed to standard error and exit status 78 (EX_CONFIG).
    func load() throws -> MeterdConfiguration {
        do {
            return try ConfigurationLoader.load(path: config)
        } catch {
            Terminal.error(error.description)
            throw ExitCode(78)
        }
    }
}
