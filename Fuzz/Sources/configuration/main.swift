// meterd.toml as the daemon loads it. The file is read as if it were the repository's etc/meterd.toml,
// so `profile_dirs = ["../hardware/meters"]` (as in the seeds) loads the shipped meter profiles.
// Property: every input gives a configuration or a list of problems, never a trap.
import FoundationEssentials
@testable import MeterDaemon
import FuzzSupport

let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../etc/meterd.toml")
    .standardizedFileURL.path

fuzz { bytes in
    let text = String(decoding: bytes, as: UTF8.self)
    let source: TOMLSource
    do { source = try TOMLSource(path: path, text: text) } catch { return }
    do throws(MeterdError) {
        _ = try ConfigurationLoader.parse(source)
    } catch {
        check(!error.problems.isEmpty, "a refused configuration names no problem")
    }
}
