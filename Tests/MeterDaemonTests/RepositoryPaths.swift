import Foundation

/// Paths inside the source tree, for tests that read the shipped data files.
enum RepositoryPaths {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let meterProfiles = root.appendingPathComponent("hardware/meters").path
    static let profileExample = root.appendingPathComponent("hardware/meter-profile-example.toml").path
    static let defaultConfiguration = root.appendingPathComponent("etc/meterd.toml").path
}
