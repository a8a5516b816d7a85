import MeterDaemon

/// The output of `meterd relay open|close`, stable for scripts (docs/cutoff.md).
enum RelayOrderReport {
    static func print(_ outcome: RelayField.Outcome, relay: RelayConfiguration) {
        switch outcome {
        case .executed(let step):
            Terminal.output("state:     \(step.after.state)")
            Terminal.output("supply:    \(step.after.supplyConnected ? "commanded connected" : "commanded disconnected")")
            Terminal.output("journaled: \(step.record == nil ? "nothing changed" : step.cause.description)")
            Terminal.warning("no daemon holds the line: it returns to its unpowered position (supply \(relay.wiring.failStateConnected ? "connected" : "disconnected")) "
                             + "now this command exits; `meterd run` requests it with the journaled state")
        case .queued(let file):
            Terminal.output("queued:    \(file)")
            Terminal.output("meterd is running and holds the line: it executes and journals the request; `meterd relay status` shows the result")
        }
    }
}
