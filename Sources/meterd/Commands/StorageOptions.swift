import ArgumentParser
import MeterDaemon

/// Where the device key and the journal are: given on the command line, or else the configuration's
/// (`state_directory`, `key_file`), or else the installed defaults.
struct StorageOptions: ParsableArguments {
    @Option(name: .customLong("key"), help: ArgumentHelp("The device key file (default: the configuration's, or \(DeviceKeyFile.defaultPath)).", valueName: "FILE"))
    var key: String?

    @Option(name: .customLong("journal"), help: ArgumentHelp("The journal directory (default: the configuration's, or /var/lib/meterd/journal).", valueName: "DIR"))
    var journal: String?

    var keyPath: String { key ?? DeviceKeyFile.defaultPath }
    var journalDirectory: String { journal ?? "/var/lib/meterd/journal" }

    func keyPath(for configuration: MeterdConfiguration) -> String { key ?? configuration.daemon.keyFile }
    func journalDirectory(for configuration: MeterdConfiguration) -> String { journal ?? configuration.daemon.journalDirectory }
}
