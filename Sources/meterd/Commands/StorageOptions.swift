import ArgumentParser
import MeterDaemon

/// Where the device key and the journal are: given on the command line, or else the configuration's
/// (`state_directory`, `key_file`), or else the installed defaults.
struct StorageOptions: ParsableArguments {
    @OptionGroup var keyOption: KeyOption
    @OptionGroup var journalOption: JournalOption

    func keyPath(for configuration: MeterdConfiguration?) -> String { keyOption.keyPath(for: configuration) }
    func journalDirectory(for configuration: MeterdConfiguration?) -> String { journalOption.journalDirectory(for: configuration) }
}

/// `--key`, for the commands that need the device key and not the journal.
struct KeyOption: ParsableArguments {
    @Option(name: .customLong("key"), help: ArgumentHelp("The device key file (default: the configuration's key_file, or \(DeviceKeyFile.defaultPath)).", valueName: "FILE"))
    var key: String?

    /// The configuration's key file, or the installed default when there is no configuration.
    static func keyFile(of configuration: MeterdConfiguration?) -> String { configuration?.daemon.keyFile ?? DeviceKeyFile.defaultPath }

    func keyPath(for configuration: MeterdConfiguration?) -> String { key ?? Self.keyFile(of: configuration) }

    /// The key file, reading the configuration (when one is named or installed) only if --key does not name it.
    func keyPath(reading configuration: ConfigurationOption) throws -> String {
        try key ?? keyPath(for: configuration.loadIfPresent())
    }
}

/// `--journal`, for the commands that read the journal and not the key.
struct JournalOption: ParsableArguments {
    static let defaultDirectory = "/var/lib/meterd/journal"

    @Option(name: .customLong("journal"), help: ArgumentHelp("The journal directory (default: the configuration's, or \(Self.defaultDirectory)).", valueName: "DIR"))
    var journal: String?

    func journalDirectory(for configuration: MeterdConfiguration?) -> String {
        journal ?? configuration?.daemon.journalDirectory ?? Self.defaultDirectory
    }

    /// The journal directory, reading the configuration (when one is named or installed) only if --journal does not name it.
    func journalDirectory(reading configuration: ConfigurationOption) throws -> String {
        try journal ?? journalDirectory(for: configuration.loadIfPresent())
    }
}
