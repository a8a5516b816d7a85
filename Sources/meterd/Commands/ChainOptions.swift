import ArgumentParser
import ChainClient
import MeterDaemon

/// `--config` and `--key`, and the [chain] section they lead to.
struct ChainOptions: ParsableArguments {
    @OptionGroup var options: ConfigurationOption

    @Option(name: .customLong("key"), help: ArgumentHelp("The device key file (default: the configuration's key_file).", valueName: "FILE"))
    var key: String?

    /// The [chain] section and the device key file, or a message and exit status 78 when there is no [chain].
    func load() throws -> (chain: ChainConfiguration, keyPath: String) {
        let configuration = try options.load()
        guard let chain = configuration.chain else {
            throw CommandFailure(.configuration, "\(options.config) has no [chain] section; add one (etc/meterd.toml documents its keys)")
        }
        return (chain, key ?? configuration.daemon.keyFile)
    }

    func chain() throws -> ChainConfiguration {
        try load().chain
    }

    func deviceAddress(keyPath: String) throws -> Address {
        do { return try DeviceKeyFile.load(path: keyPath, requireOwnership: false).address } catch {
            throw CommandFailure(.failure, "\(error)")
        }
    }
}
