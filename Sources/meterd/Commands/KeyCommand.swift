import ArgumentParser

struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Create, show, import or rotate the device key (its address is the device's identity in the contract).",
        subcommands: [KeyGenerateCommand.self, KeyAddressCommand.self, KeyImportKeystoreCommand.self, KeyRotateCommand.self]
    )
}
