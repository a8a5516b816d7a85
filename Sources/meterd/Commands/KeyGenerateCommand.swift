import ArgumentParser
import MeterDaemon

struct KeyGenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Create a new device key (mode 0600, never overwriting a file) and print its address."
    )

    @OptionGroup var configuration: ConfigurationOption

    @Option(name: .customLong("out"), help: ArgumentHelp("Where to write the key (default: the configuration's key_file, or \(DeviceKeyFile.defaultPath)).", valueName: "FILE"))
    var out: String?

    func run() throws {
        let path = try out ?? KeyOption.keyFile(of: configuration.loadIfPresent())
        let key = try DeviceKeyFile.generate(path: path)
        print(key.address.checksummed)
        printError("wrote \(path); register this address in the agreement contract")
    }
}
