import ArgumentParser
import ChainClient
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
        do { status = try RelayStatus.collect(relay: relay.relay, journalDirectory: relay.journalDirectory) } catch {
            throw CommandFailure(.failure, "\(error)")
        }
        let lines = status.lines(relay: relay.relay)
        if json {
            Terminal.json(.object(Dictionary(uniqueKeysWithValues: lines.map { ($0.0, JSONValue.string($0.1)) })))
        } else {
            for (name, value) in lines { Terminal.output("\(name + ":")\(String(repeating: " ", count: max(1, 18 - name.count)))\(value)") }
        }
    }
}
