/// Who reconnected on site.
public enum LocalReconnection: Sendable, Equatable, CustomStringConvertible {
    /// The reconnection button wired to the optional input line.
    case button
    /// `meterd relay close --reason TEXT`.
    case command(reason: String)

    public var description: String {
        switch self {
        case .button: return "reconnection button"
        case .command(let reason): return "meterd relay close: \(reason)"
        }
    }
}
