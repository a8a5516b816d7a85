/// The control states of DLMS/COSEM disconnect control (interface class 70), with their codes.
///
/// This is the commanded state, what meterd intends; the relay's observed state is kept apart.
public enum DisconnectControlState: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case disconnected = 0
    case connected = 1
    case readyForReconnection = 2

    public var description: String {
        switch self {
        case .disconnected: return "disconnected"
        case .connected: return "connected"
        case .readyForReconnection: return "ready for reconnection"
        }
    }
}
