import ArgumentParser
import MeterDaemon

struct RelayCloseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "close",
        abstract: "Reconnect the supply (local reconnect), journaled with the reason.",
        discussion: "Refused (exit status 3) while the contract's cutoff is in force, until the utility allows reconnection."
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
            RelayOrderReport.print(try options.field(relay).order(.close, reason: reason, key: try options.key()), relay: relay)
        } catch let error as RelayFieldError {
            throw RelayOptions.fail(error)
        }
    }
}
