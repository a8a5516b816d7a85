import ArgumentParser
import MeterDaemon

struct KeyGenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Create a new device key (mode 0600, never overwriting a file) and print its address."
    )

    @Option(name: .customLong("out"), help: ArgumentHelp("Where to write the key.", valueName: "FILE"))
    var path: String = DeviceKeyFile.defaultPath

    func run() throws {
        let key = try DeviceKeyFile.generate(path: path)
        print(key.address.checksummed)
        printError("wrote \(path); register this address in the agreement contract")
    }
}
