import ArgumentParser
import FoundationEssentials
import MeterDaemon

/// `--config PATH`, shared by every command that reads meterd.toml.
struct ConfigurationOption: ParsableArguments {
    @Option(name: .customLong("config"), help: ArgumentHelp("The configuration file (default: $METERD_CONFIG, or \(ConfigurationLoader.defaultPath)).", valueName: "path"))
    var named: String?

    /// The file: --config, else $METERD_CONFIG, else the installed one.
    var config: String { named ?? Self.environment ?? ConfigurationLoader.defaultPath }

    private static var environment: String? { ProcessInfo.processInfo.environment["METERD_CONFIG"] }

    /// The configuration, or every problem printed to standard error and exit status 78 (EX_CONFIG).
    func load() throws -> MeterdConfiguration {
        try loadWithSource().configuration
    }

    /// The same, with the file as read.
    func loadWithSource() throws -> (configuration: MeterdConfiguration, source: TOMLSource) {
        do {
            return try ConfigurationLoader.loadWithSource(path: config)
        } catch {
            throw CommandFailure(error)
        }
    }

    /// The configuration when one is named (--config, $METERD_CONFIG) or installed; nil when none is, so
    /// that the journal and key commands still work on a machine without one (on the defaults, or --key
    /// and --journal). A named file that is missing or malformed is exit status 78 like any other.
    func loadIfPresent() throws -> MeterdConfiguration? {
        guard named != nil || Self.environment != nil || FileManager.default.fileExists(atPath: config) else { return nil }
        return try load()
    }
}
