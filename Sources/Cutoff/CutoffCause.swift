/// Why the control state changed, as journaled (the text is what `meterd journal show` prints).
public enum CutoffCause: Sendable, Equatable, CustomStringConvertible {
    case input(CutoffInput)
    /// The start-up comparison of journal, contract and line (see `Reconciliation`).
    case reconciliation(String)
    /// The supply did not follow an ordered disconnect (see `CutoffEffectiveness`).
    case cutoffNotEffective(String)
    /// The alarm ended: the supply is now observed cut.
    case cutoffEffective(String)
    /// `meterd relay test --pulse`: the relay was moved to disconnected and back.
    case relayTest(milliseconds: Int)

    public var description: String {
        switch self {
        case .input(let input):
            switch input {
            case .contract(let contract):
                switch contract.state {
                case .disconnected: return "remote disconnect: \(contract)"
                case .readyForReconnection: return "remote reconnect: \(contract)"
                case .connected: return "remote: \(contract)"
                }
            case .limiterTrip(let trip): return "local disconnect: limiter \(trip)"
            case .limiterCleared(let clear): return "local reconnect: limiter \(clear)"
            case .localDisconnect(let reason): return "local disconnect: meterd relay open: \(reason)"
            case .localReconnect(let who): return "local reconnect: \(who)"
            }
        case .reconciliation(let rule): return "reconciliation at start: \(rule)"
        case .cutoffNotEffective(let detail): return "alarm: cutoff not effective: \(detail)"
        case .cutoffEffective(let detail): return "alarm cleared: cutoff effective: \(detail)"
        case .relayTest(let milliseconds): return "relay test: pulse of \(milliseconds) ms to disconnected and back"
        }
    }
}
