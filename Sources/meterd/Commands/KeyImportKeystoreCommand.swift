import ArgumentParser
import ChainClient
import FoundationEssentials
import MeterDaemon

struct KeyImportKeystoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-keystore",
        abstract: "Import an Ethereum V3 keystore (geth, MyCrypto, ethers …) as the device key."
    )

    @Argument(help: ArgumentHelp("The keystore JSON file.", valueName: "FILE"))
    var keystore: String

    @Option(name: .customLong("password-file"), help: ArgumentHelp("Read the password from this file (first line) instead of the terminal.", valueName: "FILE"))
    var passwordFile: String?

    @OptionGroup var configuration: ConfigurationOption

    @Option(name: .customLong("out"), help: ArgumentHelp("Where to write the device key (default: the configuration's key_file, or \(DeviceKeyFile.defaultPath)).", valueName: "FILE"))
    var out: String?

    func run() throws {
        let path = try out ?? KeyOption.keyFile(of: configuration.loadIfPresent())
        guard let json = FileManager.default.contents(atPath: keystore) else {
            throw CommandFailure(.failure, "cannot read the keystore \(keystore): check the path and that you may read it")
        }
        let parsed: KeystoreV3
        do { parsed = try KeystoreV3(json: json) } catch { throw CommandFailure(.failure, "\(keystore): \(error)") }
        let password = try passwordFile.map(PasswordInput.fromFile) ?? PasswordInput.fromTerminal(prompt: "Password for \(keystore): ")
        let key: PrivateKey
        do { key = try parsed.decrypt(password: password) } catch { throw CommandFailure(.failure, "\(keystore): \(error)") }
        try DeviceKeyFile.create(path: path, key: key)
        print(key.address.checksummed)
        printError("wrote \(path)")
    }
}
