import Drivers
import FoundationEssentials

/// The meter profiles meterd can use: every `*.toml` in the profile directories, by file name.
/// A profile in an earlier directory wins over one of the same name in a later one, so a site can
/// override a shipped profile from /etc/meterd/meters. Files are only parsed when a profile is
/// asked for, so a configuration that names one meter model reads one profile file.
public struct ProfileLibrary: Sendable {
    /// Where each profile name's file is.
    let paths: [String: String]
    let searchedDirectories: [String]
    /// The directories that exist but could not be listed, with why.
    let unreadableDirectories: [(directory: String, reason: String)]

    /// /etc first (the site's own), then the installed profiles, then the source tree's
    /// hardware/meters when meterd runs from a build directory.
    public static var defaultDirectories: [String] {
        ["/etc/meterd/meters", "/usr/share/meterd/meters"] + (sourceTreeProfiles.map { [$0] } ?? [])
    }

    /// The source tree's hardware/meters when this meterd runs from a build directory inside it.
    static var sourceTreeProfiles: String? {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("hardware/meters")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate.path }
            folder = folder.deletingLastPathComponent()
        }
        return nil
    }

    public init(directories: [String]) {
        searchedDirectories = directories
        var paths: [String: String] = [:]
        var unreadable: [(String, String)] = []
        for directory in directories where FileManager.default.fileExists(atPath: directory) {
            let files: [String]
            do { files = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
                unreadable.append((directory, error.systemMessage))
                continue
            }
            for file in files.sorted() where file.hasSuffix(".toml") {
                let name = String(file.dropLast(5))
                if paths[name] == nil { paths[name] = directory.appendingPathComponent(file) }
            }
        }
        self.paths = paths
        unreadableDirectories = unreadable
    }

    var names: [String] { paths.keys.sorted() }

    /// The profile of that name, its file's problems, or nil when there is no such file.
    func load(_ name: String) -> Result<MeterProfile, MeterdError>? {
        guard let path = paths[name] else { return nil }
        return Result { () throws(MeterdError) in try MeterProfileLoader.load(path: path) }
    }

    /// Every profile that parses (in name order), and the problems of those that do not.
    public func loadAll() -> (profiles: [MeterProfile], problems: [ConfigurationProblem]) {
        var profiles: [MeterProfile] = []
        var problems: [ConfigurationProblem] = []
        for name in names {
            switch load(name) {
            case .success(let profile): profiles.append(profile)
            case .failure(let failure): problems.append(contentsOf: failure.problems)
            case nil: break
            }
        }
        return (profiles, problems)
    }
}
