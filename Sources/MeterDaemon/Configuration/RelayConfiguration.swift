import Cutoff
import Drivers

/// The `[relay]` table: the relay line, its wiring, how reconnection works and how the cut is observed.
public struct RelayConfiguration: Sendable, Equatable {
    public var line: GPIOLineAddress
    public var wiring: RelayWiring
    public var remoteReconnection: RemoteReconnection
    /// The contactor's auxiliary contact (`[relay.feedback]`), when wired.
    public var feedback: FeedbackConfiguration?
    /// The local reconnection button (`[relay.button]`), when wired.
    public var button: GPIOLineAddress?
    /// The effectiveness check after a disconnect; nil when neither a meter upstream nor a feedback contact observes it.
    public var effectiveness: CutoffEffectiveness.Settings?
    /// The meter upstream of the contactor whose current must fall after a disconnect.
    public var effectivenessMeter: String?
    /// Where `meterd relay open|close` leaves requests for a running daemon.
    public var requestDirectory: String

    public static let defaultRequestDirectory = "/var/lib/meterd/relay-requests"
}

public struct FeedbackConfiguration: Sendable, Equatable {
    public var line: GPIOLineAddress
    /// Whether the input reads active while the contactor's main contacts are closed.
    public var activeWhenClosed: Bool
}

/// The `[limiter]` table: which meter it watches and its thresholds.
public struct LimiterConfiguration: Sendable, Equatable {
    public var meter: String
    public var settings: LimiterSettings
}
