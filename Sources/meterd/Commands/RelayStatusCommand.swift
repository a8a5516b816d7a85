import ArgumentParser
import MeterDaemon

struct RelayStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "The relay's commanded state, the contract's state, the cutoffs in force and the last change, from the journal."
    )

    @OptionGroup var options: RelayOptions

    @Flag(help: "One JSON object with the same names.")
    var json = false

    func run() throws {
        let relay = try options.relay()
        let status: RelayStatus
        do { status = try RelayStatus.collect(relay: relay, journalDirectory: options.storage.journalDirectory) } catch {
            Terminal.error("\(error)")
            throw ExitCode(1)
        }
        let lines = status.lines(relay: relay)
        if json {
            Terminal.json(Dictionary(uniqueKeysWithValues: lines))
        } else {
            for (name, value) in lines { Terminal.output("\(name + ":")\(String(repeating: " ", count: max(1, 18 - name.count)))\(value)") }
        }
    }
}
