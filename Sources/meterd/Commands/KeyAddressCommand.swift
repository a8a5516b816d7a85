import ArgumentParser
import MeterDaemon

struct KeyAddressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "address",
        abstract: "Print the device key's Ethereum address (EIP-55)."
    )

    @OptionGroup var configuration: ConfigurationOption
    @OptionGroup var key: KeyOption

    func run() throws {
        print(try DeviceKeyFile.load(path: key.keyPath(reading: configuration), requireOwnership: false).address.checksummed)
    }
}
