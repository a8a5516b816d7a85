import ChainClient
import FoundationEssentials
import Logging
import ServiceLifecycle
import UnixSignals

/// SIGHUP: reads the configuration again, journals the change, and says plainly that buses,
/// meters, journal and metrics settings take effect at the next restart (meterd reopens no device
/// under a running poll loop).
struct ReloadService: Service {
    let path: String
    let loaded: [UInt8]
    let journal: Journal
    let logger: Logger
    let notifier: SystemdNotifier

    func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            var current = loaded
            for await _ in hangups {
                notifier.reloading()
                defer { notifier.send("READY=1") }
                let text: String
                do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
                    logger.error("reload: cannot read \(path): \(error.systemMessage); keeping the running configuration")
                    continue
                }
                do {
                    _ = try ConfigurationLoader.parse(try TOMLSource(path: path, text: text))
                } catch let problems as ConfigurationProblems {
                    logger.error("reload: the configuration has problems, keeping the running one: \(problems)")
                    continue
                } catch {
                    logger.error("reload: \(error); keeping the running configuration")
                    continue
                }
                let hash = Keccak256.hash(Array(text.utf8))
                guard hash != current else {
                    logger.notice("reload: the configuration is unchanged")
                    continue
                }
                current = hash
                _ = try? await journal.append([JournalEntry(time: Date(), payload: .configChange(ConfigChange(
                    hash: hash, summary: "changed on disk; takes effect at the next restart")))])
                logger.notice("reload: the new configuration is valid and journaled; buses, meters, journal and metrics settings take effect at the next restart (systemctl restart meterd)")
            }
        }
    }
}
