import ArgumentParser
import MeterDaemon

struct RelayOpenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open",
        abstract: "Cut the supply (local disconnect), journaled with the reason; in force until `meterd relay close`."
    )

    @OptionGroup var options: RelayOptions

    @Option(help: ArgumentHelp("Why, for the journal.", valueName: "text"))
    var reason: String

    func validate() throws {
        if reason.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--reason must say why") }
    }

    func run() throws {
        let relay = try options.relay()
        do {
            RelayOrderReport.print(try options.field(relay).order(.open, reason: reason, key: try options.key()), relay: relay)
        } catch let error as RelayFieldError {
            throw RelayOptions.fail(error)
        }
    }
}
