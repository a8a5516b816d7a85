import ArgumentParser
import ChainClient
import FoundationEssentials
import MeterDaemon

/// What `meterd relay open` and `close` share: the reason, the optional hold, and carrying out the order.
struct RelayOrderArguments: ParsableArguments {
    @OptionGroup var options: RelayOptions

    @Option(help: ArgumentHelp("Why, for the journal.", valueName: "text"))
    var reason: String

    @Option(help: ArgumentHelp("Without a daemon: keep the line requested this long before releasing it (e.g. 30s), to check the relay.", valueName: "duration"))
    var hold: RelayDuration?

    func validate() throws {
        if trimmingWhitespace(reason).isEmpty { throw ValidationError("--reason must say why") }
        if let hold, !(1...86_400_000).contains(hold.milliseconds) { throw ValidationError("--hold takes 1ms to 24 hours, e.g. 500ms or 30s") }
    }

    func carryOut(_ action: RelayRequest.Action) throws {
        let relay = try options.relay()
        do {
            let held = hold?.milliseconds
            let outcome = try options.field(relay).order(action, reason: reason, key: try options.key(relay)) {
                if let held { pause(milliseconds: held) }
            }
            RelayOrderReport.print(outcome, relay: relay.relay)
        } catch let error as MeterdError {
            throw CommandFailure(error)
        }
    }
}
