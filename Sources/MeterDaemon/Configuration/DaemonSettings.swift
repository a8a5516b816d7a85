import Drivers
import FoundationEssentials

/// What `meterd run` needs beyond buses and meters: where its state lives, how it journals, which
/// meter settles the agreement, how it trusts the clock and where it publishes metrics.
public struct DaemonSettings: Sendable {
    var stateDirectory: String
    public var keyFile: String
    public var journal: JournalOptions
    /// The meter whose cumulative import register gives each slot's consumption.
    public var settlementMeter: String?
    var clock: ClockSource
    var metrics: MetricsSettings

    public var journalDirectory: String { stateDirectory.appendingPathComponent("journal") }
}

enum MetricsSettings: Sendable, Equatable {
    case off
    /// Prometheus text on http://HOST:PORT/metrics (loopback only, unless told otherwise).
    case listen(host: String, port: Int)
    /// A node_exporter textfile, rewritten atomically every `interval` seconds.
    case textfile(path: String, interval: Double)
}

/// `[meterd]`'s daemon keys, `[journal]` and `[metrics]`.
enum DaemonSettingsReader {
    enum FsyncChoice: String, CaseIterable {
        case sdCard = "sd-card"
        case everyRecord = "every-record"
        case group
    }

    static func read(general: TableReader?, journal: TableReader?, metrics: TableReader?, meters: [String]) -> DaemonSettings {
        let state = general?.string("state_directory") ?? "/var/lib/meterd"
        if !state.hasPrefix("/") { general?.report("state_directory", "must be an absolute path") }
        let keyFile = general?.string("key_file") ?? state.appendingPathComponent("device.key")
        let clock = general?.choice("clock", as: ClockSource.self) ?? .kernel
        var settlement = general?.string("settlement_meter")
        if let name = settlement, !meters.contains(name) {
            general?.report("settlement_meter", "names \"\(name)\", which is not a [meters.\(name)] table")
        }
        if settlement == nil, meters.count == 1 { settlement = meters.first }

        var options = JournalOptions()
        switch journal?.choice("fsync", as: FsyncChoice.self) ?? .sdCard {
        case .sdCard: options.fsync = .sdCardDefault
        case .everyRecord: options.fsync = .everyRecord
        case .group: options.fsync = .groupCommit
        }
        if let seconds = journal?.integer("checkpoint_seconds", in: 0...3600) {
            options.checkpoints = seconds == 0 ? .everyCommit : .every(interval: .seconds(seconds), records: 4096)
        }
        if let days = journal?.integer("retention_days", in: 1...36_500) { options.retention = .seconds(days * 86_400) }
        if let megabytes = journal?.integer("disk_budget_mb", in: 1...1_000_000) { options.diskBudgetBytes = megabytes << 20 }
        journal?.rejectUnknownKeys()

        var metricsSettings = MetricsSettings.off
        if let metrics {
            let listen = metrics.string("listen")
            let textfile = metrics.string("textfile")
            let interval = metrics.number("interval_seconds", in: 1...3600) ?? 15
            switch (listen, textfile) {
            case (let address?, nil):
                if let listen = HostPort(parsing: address, defaultPort: nil) {
                    metricsSettings = .listen(host: listen.host, port: listen.port)
                } else {
                    metrics.report("listen", "is \"\(address)\", must be HOST:PORT such as \"127.0.0.1:9464\"")
                }
            case (nil, let path?):
                metricsSettings = .textfile(path: path, interval: interval)
            case (.some, .some):
                metrics.report("textfile", "and listen are both set: choose one")
            case (nil, nil):
                break
            }
            metrics.rejectUnknownKeys()
        }
        return DaemonSettings(stateDirectory: state, keyFile: keyFile, journal: options, settlementMeter: settlement,
                              clock: clock, metrics: metricsSettings)
    }
}
