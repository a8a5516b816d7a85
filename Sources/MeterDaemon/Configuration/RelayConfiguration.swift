import Cutoff
import Drivers

/// The `[relay]` table: the relay line, its wiring, how reconnection works and how the cut is observed.
public struct RelayConfiguration: Sendable, Equatable {
    var line: GPIOLineAddress
    public var wiring: RelayWiring
    var remoteReconnection: RemoteReconnection
    /// The contactor's auxiliary contact (`[relay.feedback]`), when wired.
    var feedback: FeedbackConfiguration?
    /// The local reconnection button (`[relay.button]`), when wired.
    public var button: GPIOLineAddress?
    /// The effectiveness check after a disconnect; nil when neither a meter upstream nor a feedback contact observes it.
    var effectiveness: CutoffEffectiveness.Settings?
    /// The meter upstream of the contactor whose current must fall after a disconnect.
    var effectivenessMeter: String?
    /// Where `meterd relay open|close` leaves requests for a running daemon.
    var requestDirectory: String

    static let defaultRequestDirectory = "/var/lib/meterd/relay-requests"
}

struct FeedbackConfiguration: Sendable, Equatable {
    var line: GPIOLineAddress
    /// Whether the input reads active while the contactor's main contacts are closed.
    var activeWhenClosed: Bool
}

/// The `[limiter]` table: which meter it watches and its thresholds.
struct LimiterConfiguration: Sendable, Equatable {
    var meter: String
    var settings: LimiterSettings
}

extension RelayConfiguration {
    /// libgpiod for a real chip; lines kept in memory for `chip = "simulated"` (a site without its
    /// relay board yet, the demo).
    public var lineProvider: any GPIOLineProvider {
        line.chip == "simulated" ? SimulatedLineProvider() : LibgpiodLineProvider()
    }
}
