import Cutoff
import FoundationEssentials

/// A field engineer's `meterd relay open|close` left for the running daemon, which holds the line.
public struct RelayRequest: Sendable, Equatable, Codable {
    public enum Action: String, Sendable, Codable {
        case open
        case close
    }

    var action: Action
    var reason: String
    var requestedAt: Date
    /// The user who ran the command, for the journal's cause.
    var user: String

    init(action: Action, reason: String, requestedAt: Date, user: String) {
        self.action = action
        self.reason = reason
        self.requestedAt = requestedAt
        self.user = user
    }
}

extension RelayRequest {
    /// What the daemon feeds its controller for this request (the controller journals it, or
    /// refuses a close while the contract's cutoff is in force).
    var input: CutoffInput {
        switch action {
        case .open: return .localDisconnect(reason: "\(reason) (by user \(user))")
        case .close: return .localReconnect(.command(reason: "\(reason) (by user \(user))"))
        }
    }
}
