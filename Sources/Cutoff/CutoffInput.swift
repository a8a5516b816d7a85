/// Everything that may move the disconnect control state machine.
public enum CutoffInput: Sendable, Equatable {
    /// The contract's state read at a confirmed block (remote disconnect and remote reconnect).
    case contract(ContractCutoffState)
    /// The limiter tripped (local disconnect).
    case limiterTrip(LimiterTrip)
    /// The limiter's automatic reconnection rule is met (local reconnect by the limiter).
    case limiterCleared(LimiterClear)
    /// `meterd relay open --reason TEXT` (local disconnect).
    case localDisconnect(reason: String)
    /// The button or `meterd relay close` (local reconnect).
    case localReconnect(LocalReconnection)
}
