import ChainClient
import Foundation
@testable import MeterDaemon
import Testing

/// The command line as a field engineer meets it: the built `meterd`, its exact output and exit status.
@Suite(.serialized) struct FieldCommandLineTests {
    /// ArgumentParser's usage errors exit with EX_USAGE.
    static let usage: Int32 = 64

    func firstLine(_ arguments: [String]) throws -> (status: Int32, line: String) {
        let (status, output) = try DaemonProcess.meterd(arguments)
        return (status, output.split(separator: "\n").first.map(String.init) ?? "")
    }

    @Test func probeFindsAMeterBehindAnIPv6HostAndNamesItInBrackets() async throws {
        let simulator = try ModbusSimulator(units: [1: "eastron-sdm630"], extraArguments: ["--tcp", "[::1]:0"])
        defer { simulator.stop() }
        let port = try #require(simulator.tcpPort)
        let (status, output) = try DaemonProcess.meterd(["probe", "modbus", "--host", "[::1]:\(port)", "--ids", "1-2",
                                                         "--profiles", ModbusSimulator.profiles])
        #expect(status == 0, "\(output)")
        #expect(output.split(separator: "\n").contains { $0.hasPrefix("[::1]:\(port) unit 1: eastron-sdm630 (") }, "\(output)")
    }

    @Test(arguments: [
        (["--host", "[::1]:70000"], "meterd: The value '[::1]:70000' is invalid for '--host <host>'"),
        (["--host", "meter:"], "meterd: The value 'meter:' is invalid for '--host <host>'"),
        (["--device", "/dev/ttyUSB0", "--baud", "9600,fast"], "meterd: The value '9600,fast' is invalid for '--baud <list>'"),
        (["--device", "/dev/ttyUSB0", "--parity", "N,X"], "meterd: The value 'N,X' is invalid for '--parity <list>'"),
        (["--device", "/dev/ttyUSB0", "--ids", "0-3"], "meterd: The value '0-3' is invalid for '--ids <ids>'"),
    ])
    func probeRefusesAMalformedOptionWithItsName(arguments: [String], message: String) throws {
        let (status, line) = try firstLine(["probe", "modbus"] + arguments)
        #expect(status == Self.usage)
        #expect(line == message)
    }

    @Test func relayDurationsAreCheckedWhereTheyAreParsed() throws {
        let (status, line) = try firstLine(["relay", "test", "--pulse", "2 minutes"])
        #expect(status == Self.usage)
        #expect(line == "meterd: The value '2 minutes' is invalid for '--pulse <duration>'")
        let (rangeStatus, rangeLine) = try firstLine(["relay", "test", "--pulse", "20s"])
        #expect(rangeStatus == Self.usage)
        #expect(rangeLine == "meterd: --pulse takes 50ms to 10s, e.g. 500ms or 2s")
    }

    func readConfiguration(port: Int) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("meterd-read-\(UUID().uuidString).toml").path
        try ("[meterd]\n" + ModbusSimulator.siteTables(port: port)).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test(arguments: [
        ("absent", "n/a import_active_energy: not available: exception 2 (the meter has no such register)",
         "main is the settlement meter and its import energy has no value (not available: exception 2 (the meter has no such register))"),
        ("nan", "n/a import_active_energy: NaN from the meter", "main is the settlement meter and its import energy has no value (NaN from the meter)"),
    ])
    func readNamesAMissingSettlementRegisterAndFails(how: String, tableLine: String, warning: String) throws {
        let simulator = try ModbusSimulator(units: [1: "eastron-sdm630"])
        defer { simulator.stop() }
        if how == "absent" {
            try simulator.control(["cmd": "absent", "unit": 1, "quantity": "import_active_energy"])
        } else {
            try simulator.control(["cmd": "set", "unit": 1, "values": ["import_active_energy": "nan"]])
        }
        let config = try readConfiguration(port: try #require(simulator.tcpPort))
        defer { try? FileManager.default.removeItem(atPath: config) }
        let (status, output) = try DaemonProcess.meterd(["read", "--config", config])
        let lines = output.split(separator: "\n").map(String.init)
        #expect(status == 1, "\(output)")
        #expect(lines.contains("  " + tableLine), "\(output)")
        #expect(lines.contains("warning: " + warning + ": meterd run would leave its slots unmeasured"), "\(output)")
        #expect(lines.contains { $0.hasPrefix("import energy (kWh)") && $0.hasSuffix("n/a") }, "\(output)")
    }

    @Test func readUnderWatchStampsItsWarnings() throws {
        let simulator = try ModbusSimulator(units: [1: "eastron-sdm630"])
        defer { simulator.stop() }
        try simulator.control(["cmd": "absent", "unit": 1, "quantity": "import_active_energy"])
        let config = try readConfiguration(port: try #require(simulator.tcpPort))
        defer { try? FileManager.default.removeItem(atPath: config) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: DaemonProcess.binary)
        process.arguments = ["read", "--config", config, "--watch", "0.2"]
        let pipe = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = pipe
        try process.run()
        defer { if process.isRunning { process.terminate() }; process.waitUntilExit() }
        let line = try #require(ChildProcess.firstLine(of: pipe.fileHandleForReading, timeout: 10))
        #expect(line.wholeMatch(of: /warning: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z main is the settlement meter .*/) != nil, "\(line)")
    }

    /// A gateway that answers exception 4 for every id with nothing behind it: one summary line, the
    /// real meter listed, and progress lines on a pipe.
    @Test func probeSummarisesAGatewayThatAnswersEveryUnitWithAnException() throws {
        let simulator = try ModbusSimulator(units: [3: "eastron-sdm630"], extraArguments: ["--unknown-unit-exception", "4"])
        defer { simulator.stop() }
        let port = try #require(simulator.tcpPort)
        let (status, output) = try DaemonProcess.meterd(["probe", "modbus", "--host", "127.0.0.1:\(port)", "--ids", "1-40",
                                                         "--profiles", ModbusSimulator.profiles])
        let lines = output.split(separator: "\n").map(String.init)
        #expect(status == 0, "\(output)")
        #expect(lines.contains("127.0.0.1:\(port) units 1-2,4-40: every request answered with server device failure (exception 4) and no profile fits: "
            + "not meters (a gateway or simulator answering for ids with no meter behind them)"), "\(output)")
        #expect(lines.filter { $0.contains(" unit ") && $0.contains("plausible") } == lines.filter { $0.hasPrefix("127.0.0.1:\(port) unit 3: eastron-sdm630 (") })
        #expect(lines.contains("setting 1/1: 127.0.0.1:\(port)"), "progress is shown on a pipe: \(output)")
    }

    @Test func probeSaysNoMeterAnsweredWhenOnlyTheGatewayDid() throws {
        let simulator = try ModbusSimulator(units: [3: "eastron-sdm630"], extraArguments: ["--unknown-unit-exception", "4"])
        defer { simulator.stop() }
        let port = try #require(simulator.tcpPort)
        let (status, output) = try DaemonProcess.meterd(["probe", "modbus", "--host", "127.0.0.1:\(port)", "--ids", "5-6",
                                                         "--profiles", ModbusSimulator.profiles])
        #expect(status == 1)
        #expect(output.split(separator: "\n").last == "no unit answered like a meter (2 id(s) on 1 setting(s)); check wiring (A/B swapped?), termination and settings")
    }

    /// A meterd.toml with `general` in [meterd] (from line 2), one meter no command here reads, and `tables`.
    static func writeConfiguration(_ path: String, general: String, tables: String = "") throws {
        try """
            [meterd]
            \(general)
            [buses.sim]
            kind = "modbus-tcp"
            host = "127.0.0.1"
            [meters.main]
            bus = "sim"
            unit_id = 1
            profile = "eastron-sdm630"
            \(tables)
            """.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// `relay open` and `relay status` on the simulated chip, as an engineer without a daemon runs them.
    @Test func relayOpenAndStatusSayWhoOrderedItAndWhatTheSupplyIsNow() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("meterd-relay-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = directory + "/meterd.toml"
        try Self.writeConfiguration(config, general: """
            state_directory = "\(directory)/state"
            key_file = "\(directory)/key"
            """, tables: """
            [relay]
            chip = "simulated"
            line = 17
            energised = "cuts"
            fail_state = "connected"
            request_dir = "\(directory)/requests"
            """)
        #expect(try DaemonProcess.meterd(["key", "generate", "--out", directory + "/key"]).status == 0)
        let user = ProcessInfo.processInfo.environment["SUDO_USER"] ?? NSUserName()
        let (status, output) = try DaemonProcess.meterd(["relay", "open", "--config", config, "--reason", "fuse change"])
        let lines = output.split(separator: "\n").map(String.init)
        #expect(status == 0, "\(output)")
        #expect(lines.contains("journaled: local disconnect: meterd relay open: fuse change (by user \(user))"), "\(output)")
        #expect(!lines.contains { $0.contains("meterd.cutoff") || $0.contains("[MeterDaemon]") }, "a raw log line: \(output)")
        let shown = try DaemonProcess.meterd(["relay", "status", "--config", config]).output.split(separator: "\n").map(String.init)
        #expect(shown.contains("supply:            commanded disconnected, but connected now: no daemon holds the line, so it is at its fail state until meterd run starts"),
                "\(shown)")
        #expect(shown.contains("daemon:            not running (the line is at its fail state: supply connected)"), "\(shown)")
    }

    /// From a checkout, the shipped example (its profile directories made ones that do not exist,
    /// as on a machine where meterd is not installed) says where it looked, that nothing is there,
    /// and the line that uses the source tree's profiles.
    @Test func configCheckFromACheckoutSaysWhereTheProfilesAre() throws {
        let repository = URL(fileURLWithPath: ModbusSimulator.profiles).deletingLastPathComponent().deletingLastPathComponent()
        let example = try String(contentsOf: repository.appendingPathComponent("etc/meterd.toml"), encoding: .utf8)
        let shipped = "profile_dirs = [\"/etc/meterd/meters\", \"/usr/share/meterd/meters\"]"
        #expect(example.contains(shipped))
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("meterd-example-\(UUID().uuidString).toml").path
        try example.replacingOccurrences(of: shipped, with: "profile_dirs = [\"/nonexistent/etc\", \"/nonexistent/share\"]")
            .write(toFile: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: config) }
        let (status, output) = try DaemonProcess.meterd(["config", "check", "--config", config])
        #expect(status == 78)
        let profiles = URL(fileURLWithPath: ModbusSimulator.profiles).resolvingSymlinksInPath().path
        #expect(output.contains("names \"eastron-sdm630\", which is not a profile in /nonexistent/etc, /nonexistent/share (none of these directories exists: "
            + "install meterd's profiles (scripts/install or the Debian package); from this source tree: profile_dirs = [\"\(profiles)\"])"), "\(output)")
    }

    /// A site in a temporary directory: its meterd.toml (state_directory, key_file, and [chain] at a
    /// node nobody serves when asked), its device key and a journal of `stops` stop records (and the
    /// checkpoint closing the journal signs).
    struct Site {
        let directory: String
        let config: String
        let key: PrivateKey
        var journal: String { directory + "/state/journal" }

        init(stops: Int, chain: Bool = false) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("meterd-site-\(UUID().uuidString)").path
            config = directory + "/meterd.toml"
            try FileManager.default.createDirectory(atPath: directory + "/state", withIntermediateDirectories: true)
            try FieldCommandLineTests.writeConfiguration(config, general: """
                state_directory = "\(directory)/state"
                key_file = "\(directory)/site.key"
                """, tables: chain ? """
                [chain]
                rpc_urls = ["http://127.0.0.1:1/"]
                chain_id = 1337
                contract = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
                agreement_id = 1
                """ : "")
            key = try DeviceKeyFile.generate(path: directory + "/site.key")
            let (journal, _) = try Journal.open(directory: self.journal, key: key)
            try journal.append((0..<stops).map { JournalEntry(time: Date(), payload: .daemonStop(reason: "record \($0)")) })
            try journal.close()
        }

        func remove() { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// With no configuration installed, --config (or $METERD_CONFIG) names the site whose key and journal are meant.
    @Test func journalAndKeyCommandsUseTheNamedConfiguration() throws {
        let site = try Site(stops: 3)
        defer { site.remove() }
        let (status, output) = try DaemonProcess.meterd(["journal", "stats", "--config", site.config])
        let lines = output.split(separator: "\n").map(String.init)
        #expect(status == 0, "\(output)")
        #expect(lines.first == "directory:  \(site.journal)", "\(output)")
        #expect(lines.contains("  stop: 3"), "\(output)")
        let address = site.key.address.checksummed
        #expect(try DaemonProcess.meterd(["key", "address", "--config", site.config]) == (0, address + "\n"))
        #expect(try DaemonProcess.meterd(["key", "address"], environment: ["METERD_CONFIG": site.config]) == (0, address + "\n"))
        let shown = try DaemonProcess.meterd(["journal", "show", "--config", site.config]).output.split(separator: "\n")
        #expect(shown.filter { $0.contains(" stop reason=") }.count == 3, "\(shown)")
    }

    @Test func anExplicitJournalOrKeyWinsOverTheConfiguration() throws {
        let site = try Site(stops: 3)
        defer { site.remove() }
        let other = try Site(stops: 1)
        defer { other.remove() }
        let (status, output) = try DaemonProcess.meterd(["journal", "stats", "--config", site.config, "--journal", other.journal])
        let lines = output.split(separator: "\n").map(String.init)
        #expect(status == 0, "\(output)")
        #expect(lines.first == "directory:  \(other.journal)", "\(output)")
        #expect(lines.contains("  stop: 1"), "\(output)")
        #expect(try DaemonProcess.meterd(["key", "address", "--config", site.config, "--key", other.directory + "/site.key"])
                == (0, other.key.address.checksummed + "\n"))
    }

    @Test(arguments: [["journal", "stats"], ["key", "address"], ["key", "generate"], ["chain", "status"]])
    func aMalformedNamedConfigurationIsAConfigurationError(command: [String]) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("meterd-bad-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = directory + "/meterd.toml"
        try Self.writeConfiguration(config, general: "key_file = 3")
        let (status, line) = try firstLine(command + ["--config", config])
        #expect(status == 78)
        #expect(line == "meterd: \(config):2: meterd.key_file: must be a string, found an integer", "\(line)")
    }

    /// With the node unreachable, chain status says so, names the configured key's address, and exits 1.
    @Test func chainStatusUsesTheConfiguredKeyEvenWithoutANode() throws {
        let site = try Site(stops: 0, chain: true)
        defer { site.remove() }
        let (status, output) = try DaemonProcess.meterd(["chain", "status", "--config", site.config])
        let lines = output.split(separator: "\n").map(String.init)
        #expect(status == 1, "\(output)")
        #expect(lines.first?.hasPrefix("node:        eth_chainId at http://127.0.0.1:1/: cannot connect") == true, "\(output)")
        #expect(lines.last == "device:      \(site.key.address.checksummed) (\(site.directory)/site.key)", "\(output)")
        let other = try Site(stops: 0)
        defer { other.remove() }
        let explicit = try DaemonProcess.meterd(["chain", "status", "--config", site.config, "--key", other.directory + "/site.key"])
        #expect(explicit.output.split(separator: "\n").last.map(String.init) == "device:      \(other.key.address.checksummed) (\(other.directory)/site.key)",
                "\(explicit.output)")
    }

    /// A damaged state file of the daemon's is said, not shown as "nothing pending".
    @Test func chainStatusSaysWhichStateFileItCannotRead() throws {
        let site = try Site(stops: 0, chain: true)
        defer { site.remove() }
        let transactions = site.directory + "/state/chain/transactions.json"
        try FileManager.default.createDirectory(atPath: site.directory + "/state/chain", withIntermediateDirectories: true)
        try Data("{\"pending\": [tru".utf8).write(to: URL(fileURLWithPath: transactions))
        let (status, output) = try DaemonProcess.meterd(["chain", "status", "--config", site.config])
        #expect(status == 1, "\(output)")
        #expect(output.contains("warning: reading \(transactions) failed: the file is not valid state") && output.contains("pending transactions and gas used not shown"),
                "\(output)")
    }

    /// `meterd --help` (and so the man page) and README.md's "Exit status" list the same statuses and meanings.
    @Test func theExitStatusesInTheHelpAreTheReadmes() throws {
        let repository = URL(fileURLWithPath: ModbusSimulator.profiles).deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: repository.appendingPathComponent("README.md"), encoding: .utf8)
        let documented = readme.split(separator: "\n").compactMap { line -> String? in
            guard let row = line.wholeMatch(of: /\| (\d+) \| (.+) \|/) else { return nil }
            return "\(row.1) \(row.2)"
        }
        let (status, help) = try DaemonProcess.meterd(["--help"])
        #expect(status == 0)
        let listed = help.split(separator: "\n", omittingEmptySubsequences: false)
            .drop { $0 != "Exit status:" }.dropFirst().prefix { !$0.isEmpty }
            .compactMap { line -> String? in line.wholeMatch(of: /\ \ (\d+) +(.+)/).map { "\($0.1) \($0.2)" } }
        #expect(documented.count == 5, "\(documented)")
        #expect(listed == documented, "\(help)")
    }

    /// Every failure leaves one way: "meterd: " and the message, with the documented exit status.
    @Test(arguments: [
        (["nonsense"], Int32(64), "meterd: Unexpected argument 'nonsense'"),
        (["config", "check", "--config", "/nonexistent/meterd.toml"], Int32(78),
         "meterd: /nonexistent/meterd.toml: cannot read the file (No such file or directory) (check that it exists and that the service user may read it)"),
        (["key", "address", "--key", "/nonexistent/key"], Int32(1), "meterd: no device key at /nonexistent/key; create one with `meterd key generate --out /nonexistent/key`"),
    ])
    func failuresHaveOnePrefixAndTheirExitStatus(arguments: [String], status: Int32, start: String) throws {
        let (code, line) = try firstLine(arguments)
        #expect(code == status)
        #expect(line.hasPrefix(start), "\(line)")
    }
}
