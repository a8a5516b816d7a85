import ArgumentParser
import ChainClient
import MeterDaemon

struct KeyRotateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Give the device a new key: journal the change signed by both keys, then install the new key (the old one is kept).",
        discussion: """
            Stop meterd first and run this as the user that owns the key file (sudo -u meterd). The key file and the \
            journal are the configuration's unless --key or --journal say otherwise. The new key is generated, or read \
            from --new-key. The old key file is kept as KEY_FILE.old-ADDRESS. An interrupted rotation is finished by \
            the next `meterd run` or `meterd key rotate`. Afterwards the agreement on chain must name the new address \
            (the utility's propose-device), or meterd with [chain] does not start.
            """
    )

    @OptionGroup var configuration: ConfigurationOption
    @OptionGroup var storage: StorageOptions

    @Option(name: .customLong("new-key"), help: ArgumentHelp("Take the new key from this key file (64 hex digits, mode 0600) instead of generating one.", valueName: "FILE"))
    var newKeyFile: String?

    func run() throws {
        let loaded = try configuration.load()
        let keyPath = storage.keyPath(for: loaded)
        let journalDirectory = storage.journalDirectory(for: loaded)
        switch try DeviceKeyRotation.completeInterrupted(keyPath: keyPath, journalDirectory: journalDirectory) {
        case .completed(let outcome):
            print(outcome.new.checksummed)
            printError("finished a rotation that was interrupted: the journal was already handed over to \(outcome.new.checksummed); "
                       + "\(keyPath) now holds it, the old key is kept as \(outcome.backup). No further rotation was made.")
            printAgreementNotice(outcome)
            return
        case .unused(let path, _):
            try DeviceKeyRotation.discardUnused(path)
            printError("removed \(path): a rotation interrupted before it reached the journal left it, and it signed nothing")
        case .none:
            break
        }
        let newKey = try newKeyFile.map { try DeviceKeyFile.load(path: $0, requireOwnership: false) } ?? PrivateKey.generate()
        let outcome = try DeviceKeyRotation.rotate(keyPath: keyPath, journalDirectory: journalDirectory, newKey: newKey,
                                                   options: loaded.daemon.journal)
        print(outcome.new.checksummed)
        printError("rotated the device key from \(outcome.old.checksummed) to \(outcome.new.checksummed): "
                   + (outcome.sequence.map { "journal record \($0) is signed by both keys; " } ?? "")
                   + "\(keyPath) holds the new key, the old one is kept as \(outcome.backup)")
        printAgreementNotice(outcome)
    }

    private func printAgreementNotice(_ outcome: DeviceKeyRotation.Outcome) {
        printError("the utility must now point the agreement at \(outcome.new.checksummed): electro-admin propose-device AGREEMENT_ID "
                   + "\(outcome.new.checksummed), then the consumer's accept-device (or apply-device after the notice time). "
                   + "Until then the agreement names \(outcome.old.checksummed) and meterd with [chain] refuses to start.")
    }
}
