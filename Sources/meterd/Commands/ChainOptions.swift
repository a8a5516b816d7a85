import ArgumentParser
import ChainClient
import MeterDaemon

/// `--config` and `--key`, and the [chain] section they lead to.
struct ChainOptions: ParsableArguments {
    @OptionGroup var options: ConfigurationOption

    @Option(name: .customLong("key"), help: ArgumentHelp("The device key file.", valueName: "FILE"))
    var keyPath: String = DeviceKeyFile.defaultPath

    /// The [chain] section, or a message and exit status 78 when there is none.
    func chain() throws -> ChainConfiguration {
        let configuration = try options.load()
        guard let chain = configuration.chain else {
            throw CommandFailure(.configuration, "\(options.config) has no [chain] section; add one (etc/meterd.toml documents its keys)")
        }
        return chain
    }

    func deviceAddress() throws -> Address {
        do { return try DeviceKeyFile.load(path: keyPath, requireOwnership: false).address } catch {
            throw CommandFailure(.failure, "\(error)")
        }
    }
}
