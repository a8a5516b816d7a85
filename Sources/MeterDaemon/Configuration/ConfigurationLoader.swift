import Drivers
import FoundationEssentials

/// Turns meterd.toml into a `MeterdConfiguration`, or into every problem it has, each naming its line.
public enum ConfigurationLoader {
    public static let defaultPath = "/etc/meterd/meterd.toml"

    static func load(path: String = defaultPath) throws(MeterdError) -> MeterdConfiguration {
        try loadWithSource(path: path).configuration
    }

    /// The configuration and the file it came from, read once (the daemon journals the file's hash
    /// and compares reloads with its tables).
    public static func loadWithSource(path: String = defaultPath) throws(MeterdError)
        -> (configuration: MeterdConfiguration, source: TOMLSource) {
        let source: TOMLSource
        source = try TOMLSource.read(path: path)
        return (try parse(source), source)
    }

    static func parse(_ source: TOMLSource) throws(MeterdError) -> MeterdConfiguration {
        let problems = ProblemCollector()
        let root = TableReader(source: source, path: [], entries: source.root, problems: problems)

        let general = root.table("meterd")
        let serviceUser = general?.string("user") ?? "meterd"
        let pollInterval = general?.number("poll_interval_seconds", in: 0.1...3600) ?? 1
        let slotLength = general?.integer("slot_length_seconds", in: 1...86_400) ?? 900
        let configFolder = URL(fileURLWithPath: source.path).deletingLastPathComponent()
        let profileDirectories = (general?.strings("profile_dirs") ?? ProfileLibrary.defaultDirectories).map {
            $0.hasPrefix("/") ? $0 : configFolder.appendingPathComponent($0).standardizedFileURL.path
        }
        var buses: [String: BusConfiguration] = [:]
        let busTables = root.table("buses")?.namedTables() ?? []
        for table in busTables {
            if let bus = BusReader.read(table) { buses[table.name] = bus }
        }

        let library = ProfileLibrary(directories: profileDirectories)
        var meters: [MeterConfiguration] = []
        let meterTables = root.table("meters", required: true)?.namedTables() ?? []
        if meterTables.isEmpty, root.has("meters") {
            root.report("meters", "lists no meter", fix: "add a [meters.NAME] table")
        }
        for table in meterTables {
            if let meter = MeterReader.read(table, buses: buses, profiles: library) { meters.append(meter) }
        }
        // Meters named by [meters.NAME], parsed or not, so one bad meter is reported once.
        let meterNames = meterTables.map(\.name)
        let relay = root.table("relay").flatMap { RelayReader.read($0, meters: meterNames) }
        let limiter = root.table("limiter").flatMap { LimiterReader.read($0, meters: meterNames, hasRelay: root.has("relay")) }
        let daemon = DaemonSettingsReader.read(general: general, journal: root.table("journal"), metrics: root.table("metrics"),
                                               meters: meterNames)
        general?.rejectUnknownKeys()
        let chain = root.table("chain").flatMap {
            ChainReader.read($0, defaultStateDirectory: daemon.stateDirectory.appendingPathComponent("chain"))
        }
        let slotGuard = root.table("guard").flatMap { GuardReader.read($0, hasChain: root.has("chain"), buses: buses, busNames: Set(busTables.map(\.name))) }
        root.rejectUnknownKeys()

        guard problems.problems.isEmpty else { throw MeterdError.configuration(problems.problems) }
        return MeterdConfiguration(
            serviceUser: serviceUser, pollInterval: pollInterval, profileDirectories: profileDirectories,
            slotLength: slotLength, buses: buses, meters: meters, daemon: daemon, path: source.path, relay: relay, limiter: limiter,
            chain: chain, slotGuard: slotGuard)
    }
}
