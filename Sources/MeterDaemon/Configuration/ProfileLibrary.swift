import Drivers
import Foundation

/// The meter profiles meterd can use: every `*.toml` in the profile directories, by file name.
/// A profile in an earlier directory wins over one of the same name in a later one, so a site can
/// override a shipped profile from /etc/meterd/meters.
public struct ProfileLibrary: Sendable {
    public private(set) var profiles: [String: MeterProfile] = [:]
    /// Where each profile was loaded from.
    public private(set) var paths: [String: String] = [:]
    public private(set) var problems: [ConfigurationProblem] = []
    /// Profiles whose file exists but does not parse, with their problems.
    public private(set) var failures: [String: [ConfigurationProblem]] = [:]
    public let searchedDirectories: [String]

    /// /etc first (the site's own), then the installed profiles, then the source tree's
    /// hardware/meters when meterd runs from a build directory.
    public static var defaultDirectories: [String] {
        var directories = ["/etc/meterd/meters", "/usr/share/meterd/meters"]
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("hardware/meters")
            if FileManager.default.fileExists(atPath: candidate.path) {
                directories.append(candidate.path)
                break
            }
            folder = folder.deletingLastPathComponent()
        }
        return directories
    }

    public init(directories: [String]) {
        searchedDirectories = directories
        for directory in directories {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for file in files.sorted() where file.hasSuffix(".toml") {
                let name = String(file.dropLast(5))
                guard profiles[name] == nil else { continue }
                let path = (directory as NSString).appendingPathComponent(file)
                do {
                    profiles[name] = try MeterProfileLoader.load(path: path)
                    paths[name] = path
                } catch {
                    problems.append(contentsOf: error.problems)
                    failures[name] = error.problems
                }
            }
        }
    }

    public var names: [String] { profiles.keys.sorted() }
}
