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
    var hold: String?

    func validate() throws {
        if reason.trimmed().isEmpty { throw ValidationError("--reason must say why") }
        if let hold, RelayDuration.milliseconds(hold, in: 1...86_400_000) == nil { throw ValidationError("--hold takes a duration such as 500ms, 30s") }
    }

    func carryOut(_ action: RelayRequest.Action) throws {
        let relay = try options.relay()
        do {
            let held = hold.flatMap { RelayDuration.milliseconds($0, in: 1...86_400_000) }
            let outcome = try options.field(relay).order(action, reason: reason, key: try options.key(relay)) {
                if let held { pause(milliseconds: held) }
            }
            RelayOrderReport.print(outcome, relay: relay.relay)
        } catch let error as RelayFieldError {
            throw RelayOptions.fail(error)
        }
    }
}
