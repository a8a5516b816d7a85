import ChainClient
import Cutoff
import FoundationEssentials
import Logging
import ServiceLifecycle
import UnixSignals

/// SIGHUP: reads the configuration again and applies what can change under a running poll loop,
/// the poll interval and the limiter's thresholds; everything else (buses, meters, relay, chain,
/// journal, metrics, …) is named as taking effect at the next restart, since meterd reopens no
/// device and no journal while it runs. A file with problems changes nothing. Each change is journaled.
struct ReloadService: Service {
    /// Made before READY=1, so that a reload systemd sends at once is not the default action of SIGHUP (exit).
    let hangups: UnixSignalsSequence
    /// The settings in effect: those of the start, with what reloads applied since.
    let running: [String: TOMLNode]
    let configuration: MeterdConfiguration
    let live: LiveSettings
    let cutoff: CutoffController?
    let journal: Journal
    let logger: Logger
    let notifier: SystemdNotifier

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var inEffect = running
            var limiter = configuration.limiter
            for await _ in hangups {
                notifier.reloading()
                defer { notifier.send("READY=1") }
                let source: TOMLSource, new: MeterdConfiguration
                do {
                    (new, source) = try ConfigurationLoader.loadWithSource(path: configuration.path)
                } catch {
                    logger.error("reload: the configuration has problems, keeping the running one: \(error)")
                    continue
                }
                let difference = ConfigurationDifference(from: inEffect, to: source.root)
                guard !difference.places.isEmpty else {
                    logger.notice("reload: no setting changed")
                    continue
                }
                var applied: [String] = [], atRestart: [String] = []
                for place in difference.places {
                    switch place {
                    case "[meterd] poll_interval_seconds":
                        live.pollInterval = new.pollInterval
                        applied.append("poll interval \(new.pollInterval.plainText) s")
                        inEffect = Self.replacing(inEffect, table: "meterd", key: "poll_interval_seconds", from: source.root)
                    case "[limiter]" where limiter != nil && new.limiter?.meter == limiter?.meter && cutoff != nil:
                        cutoff?.updateLimiter(new.limiter!.settings)
                        limiter = new.limiter
                        applied.append("[limiter] thresholds")
                        inEffect["limiter"] = source.root["limiter"]
                    default:
                        atRestart.append(place)
                    }
                }
                let summary = (applied.isEmpty ? [] : ["applied: " + applied.joined(separator: ", ")])
                    + (atRestart.isEmpty ? [] : ["at the next restart: " + atRestart.joined(separator: ", ")])
                do {
                    _ = try await journal.append([JournalEntry(time: Date(), payload: .configChange(ConfigChange(
                        hash: Keccak256.hash(Array(source.text.utf8)),
                        summary: summary.joined(separator: "; "))))])
                } catch {
                    logger.error("reload: the configuration change is in effect but not journaled: \(error)")
                }
                let advice = atRestart.isEmpty ? "" : " (systemctl restart meterd)"
                logger.notice("reload: \(summary.joined(separator: "; "))\(advice)")
            }
        }
    }

    private static func replacing(_ tree: [String: TOMLNode], table: String, key: String, from source: [String: TOMLNode]) -> [String: TOMLNode] {
        var tree = tree
        guard case .table(var entries)? = tree[table] ?? .table([:]) else { return tree }
        if case .table(let newEntries)? = source[table] { entries[key] = newEntries[key] } else { entries[key] = nil }
        tree[table] = .table(entries)
        return tree
    }
}
