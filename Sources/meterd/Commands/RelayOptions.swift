import ArgumentParser
import ChainClient
import Drivers
import Foundation
import MeterDaemon

/// What every `meterd relay` subcommand needs: the configuration's [relay] table, the journal and the key.
struct RelayOptions: ParsableArguments {
    @OptionGroup var configuration: ConfigurationOption
    @OptionGroup var storage: StorageOptions

    /// Also sets up logging (warnings such as reconciliation conflicts go to standard error); call once.
    func relay() throws -> RelayConfiguration {
        Terminal.bootstrapLogging(verbose: false)
        let loaded = try configuration.load()
        guard let relay = loaded.relay else {
            Terminal.error("\(configuration.config) has no [relay] table; etc/meterd.toml documents its keys and hardware/relay-wiring.md the wiring")
            throw ExitCode(78)
        }
        return relay
    }

    func field(_ relay: RelayConfiguration) -> RelayField {
        let environment = ProcessInfo.processInfo.environment
        let user = environment["SUDO_USER"] ?? environment["USER"] ?? String(getuid())
        return RelayField(relay: relay, journalDirectory: storage.journalDirectory, provider: LibgpiodLineProvider(), user: user)
    }

    func key() throws -> PrivateKey {
        do { return try DeviceKeyFile.load(path: storage.keyPath, requireOwnership: false) } catch {
            Terminal.error("\(error)")
            throw ExitCode(1)
        }
    }

    /// Prints a refusal or failure and exits with its status.
    static func fail(_ error: RelayFieldError) -> ExitCode {
        Terminal.error(error.description)
        return ExitCode(error.code == .failed ? 1 : 3)
    }
}
