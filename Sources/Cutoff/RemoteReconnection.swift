/// What happens when the utility allows reconnection after a remote cutoff (DLMS control modes,
/// see docs/cutoff.md).
public enum RemoteReconnection: String, Sendable, CaseIterable {
    /// Straight to connected (DLMS modes 2 and 4).
    case automatic
    /// To ready for reconnection; the local button or `meterd relay close` connects (modes 1, 3, 5, 6).
    case local
}
