import ArgumentParser
import ChainClient
import Drivers
import FoundationEssentials
import Glibc
import MeterDaemon

/// What every `meterd relay` subcommand needs: the configuration's [relay] table, the journal and the key.
struct RelayOptions: ParsableArguments {
    @OptionGroup var configuration: ConfigurationOption
    @OptionGroup var storage: StorageOptions

    /// The relay's configuration and where its journal and key are.
    struct Loaded {
        var relay: RelayConfiguration
        var journalDirectory: String
        var keyPath: String
    }

    /// Also sets up logging (warnings such as reconciliation conflicts go to standard error); call once.
    func relay() throws -> Loaded {
        Terminal.bootstrapLogging(verbose: false)
        let loaded = try configuration.load()
        guard let relay = loaded.relay else {
            throw CommandFailure(.configuration, "\(configuration.config) has no [relay] table; etc/meterd.toml documents its keys and hardware/relay-wiring.md the wiring")
        }
        return Loaded(relay: relay, journalDirectory: storage.journalDirectory(for: loaded), keyPath: storage.keyPath(for: loaded))
    }

    func field(_ loaded: Loaded) -> RelayField {
        let environment = ProcessInfo.processInfo.environment
        // Who ordered it, for the journal: the person behind sudo, else the login of this process.
        let user = environment["SUDO_USER"] ?? SystemUser.name(of: getuid())
        return RelayField(relay: loaded.relay, journalDirectory: loaded.journalDirectory, provider: loaded.relay.lineProvider, user: user)
    }

    func key(_ loaded: Loaded) throws -> PrivateKey {
        do { return try DeviceKeyFile.load(path: loaded.keyPath, requireOwnership: false) } catch {
            throw CommandFailure(.failure, "\(error)")
        }
    }
}
