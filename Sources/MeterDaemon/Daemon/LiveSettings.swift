import Synchronization

/// The settings a reload (SIGHUP) changes under the running daemon; the services read them at
/// every round.
final class LiveSettings: Sendable {
    private let interval: Mutex<Double>

    init(pollInterval: Double) {
        interval = Mutex(pollInterval)
    }

    var pollInterval: Double {
        get { interval.withLock { $0 } }
        set { interval.withLock { $0 = newValue } }
    }
}
