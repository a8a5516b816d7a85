import ChainClient
import FoundationEssentials
import ServiceLifecycle

/// Pings systemd's watchdog, but only while the poll loop is healthy; also refreshes STATUS=.
struct WatchdogService: Service {
    let notifier: SystemdNotifier
    let status: StatusBoard
    let live: LiveSettings
    /// The slowest read a bus can take (timeouts and retries).
    let longestReadSeconds: Double

    /// How stale the poll loop may be before meterd counts as stalled.
    private var healthWindow: Double { 3 * live.pollInterval + longestReadSeconds }

    func run() async throws {
        let interval = notifier.watchdogInterval?.inSeconds ?? 5
        while keepRunning {
            let now = Date()
            if notifier.watchdogInterval != nil, await status.pollLoopIsHealthy(now: now, within: healthWindow) {
                notifier.watchdog()
            }
            notifier.status(await status.summary(now: now))
            await pause(seconds: min(interval, 5))
        }
    }
}
