import ArgumentParser
import MeterDaemon

/// Where the device key and the journal are. Shared by the key and journal commands; the
/// configuration file (`--config`) will later supply the defaults.
struct StorageOptions: ParsableArguments {
    @Option(name: .customLong("key"), help: ArgumentHelp("The device key file.", valueName: "FILE"))
    var keyPath: String = DeviceKeyFile.defaultPath

    @Option(name: .customLong("journal"), help: ArgumentHelp("The journal directory.", valueName: "DIR"))
    var journalDirectory: String = "/var/lib/meterd/journal"
}
