@testable import Drivers
import Foundation
import Testing
@testable import MeterDaemon

@Suite struct ConfigurationLoaderTests {
    static let profiles = "profile_dirs = [\"\(RepositoryPaths.meterProfiles)\"]"

    static let valid = """
        [meterd]
        \(profiles)
        [buses.rs485]
        kind = "modbus-rtu"
        device = "/dev/ttyUSB0"
        baud = 9600
        [buses.gateway]
        kind = "modbus-tcp"
        host = "127.0.0.1"
        port = 1502
        [buses.hat]
        kind = "i2c"
        bus = 1
        [meters.main]
        bus = "rs485"
        unit_id = 1
        profile = "eastron-sdm630"
        [meters.sub]
        bus = "gateway"
        unit_id = 7
        profile = "abb-b23"
        [meters.pv]
        bus = "hat"
        address = 0x40
        chip = "ina228"
        shunt_ohms = 0.0015
        max_current_a = 80
        [meters.demo]
        kind = "simulated"
        seed = 7
        """

    func parse(_ text: String) throws -> MeterdConfiguration {
        try ConfigurationLoader.parse(try TOMLSource(path: "meterd.toml", text: text))
    }

    func messages(_ text: String) -> [String] {
        do {
            _ = try parse(text)
            return []
        } catch let problems as MeterdError where problems.code == .configuration {
            return problems.problems.map(\.description)
        } catch {
            return ["\(error)"]
        }
    }

    @Test func aValidConfigurationBecomesTypedValues() throws {
        let configuration = try parse(Self.valid)
        #expect(configuration.meters.map(\.name) == ["demo", "main", "pv", "sub"])
        guard case .modbus(.rtu(let serial), let timing) = configuration.buses["rs485"] else { Issue.record("rs485"); return }
        #expect(serial.device == "/dev/ttyUSB0" && serial.baud == 9600 && serial.parity == .none)
        #expect(timing.responseTimeout == 0.5 && timing.retries == 2)
        #expect(configuration.buses["gateway"] == .modbus(.tcp(host: "127.0.0.1", port: 1502), BusTiming(responseTimeout: 1)))
        guard case .modbus(let bus, let unit, let profile) = configuration.meter(named: "sub")?.source else { Issue.record("sub"); return }
        #expect(bus == "gateway" && unit == 7 && profile.model == "B23")
        guard case .i2c(_, let address, let chip) = configuration.meter(named: "pv")?.source else { Issue.record("pv"); return }
        #expect(address == 0x40 && chip == .ina228(shuntOhms: 0.0015, maxCurrent: 80, wideRange: false))
    }

    @Test func theShippedDefaultConfigurationIsValid() throws {
        let source = try TOMLSource.read(path: RepositoryPaths.defaultConfiguration)
        var root = source.root
        guard case .table(var general) = root["meterd"] else { Issue.record("no [meterd]"); return }
        general["profile_dirs"] = .array([.string(RepositoryPaths.meterProfiles)])
        root["meterd"] = .table(general)
        let patched = TOMLSource(path: source.path, root: root, locator: source.locator)
        let configuration = try ConfigurationLoader.parse(patched)
        #expect(configuration.meters.map(\.name) == ["main"])
        #expect(configuration.pollInterval == 1 && configuration.slotLength == 900)
    }

    /// Each bad configuration, and the message it must produce.
    static let badConfigurations: [(String, String)] = [
        ("[meterd]\npoll_interval_seconds = \"fast\"\n[meters.demo]\nkind = \"simulated\"",
         "meterd.toml:2: meterd.poll_interval_seconds: must be a number, found a string"),
        ("[meterd]\npoll_intervall_seconds = 1\n[meters.demo]\nkind = \"simulated\"",
         "meterd.toml:2: meterd.poll_intervall_seconds: is not a known key here (did you mean poll_interval_seconds?)"),
        ("[meterd]\n\(profiles)\n[buses.a]\nkind = \"modbus-rtu\"\n[meters.m]\nbus = \"a\"\nunit_id = 1\nprofile = \"eastron-sdm630\"",
         "meterd.toml:3: buses.a.device: is missing (add device = … to [buses.a])"),
        ("[buses.a]\nkind = \"modbus-rtu\"\ndevice = \"/dev/ttyS0\"\nparity = \"X\"\n[meters.demo]\nkind = \"simulated\"",
         "meterd.toml:4: buses.a.parity: is \"X\", must be one of \"N\", \"E\", \"O\""),
        ("[buses.a]\nkind = \"modbus-rtu\"\ndevice = \"/dev/ttyS0\"\nbaud = 12\n[meters.demo]\nkind = \"simulated\"",
         "meterd.toml:4: buses.a.baud: is 12, must be between 300 and 921600"),
        ("[buses.a]\nkind = \"can\"\n[meters.demo]\nkind = \"simulated\"",
         "meterd.toml:2: buses.a.kind: is \"can\", must be one of \"modbus-rtu\", \"modbus-tcp\", \"i2c\""),
        ("[meterd]\n\(profiles)\n[buses.a]\nkind = \"modbus-tcp\"\nhost = \"h\"\n[meters.m]\nbus = \"b\"\nunit_id = 1\nprofile = \"eastron-sdm630\"",
         "meterd.toml:7: meters.m.bus: names \"b\", which is not a [buses.b] table (known buses: \"a\")"),
        ("[meterd]\n\(profiles)\n[buses.a]\nkind = \"modbus-tcp\"\nhost = \"h\"\n[meters.m]\nbus = \"a\"\nunit_id = 1\nprofile = \"eastron-sdm631\"",
         "meterd.toml:9: meters.m.profile: names \"eastron-sdm631\", which is not a profile in"),
        ("[meterd]\n\(profiles)\n[buses.a]\nkind = \"modbus-tcp\"\nhost = \"h\"\n[meters.m]\nbus = \"a\"\nunit_id = 0\nprofile = \"eastron-sdm630\"",
         "meterd.toml:8: meters.m.unit_id: is 0, must be between 1 and 247"),
        ("[buses.i]\nkind = \"i2c\"\nbus = 1\n[meters.m]\nbus = \"i\"\naddress = 0x40\nchip = \"ina228\"\nshunt_ohms = 0.002",
         "meterd.toml:4: meters.m.max_current_a: is missing (add max_current_a = … to [meters.m])"),
        ("[buses.i]\nkind = \"i2c\"\nbus = 1\n[meters.m]\nbus = \"i\"\naddress = 0x90\nchip = \"ina228\"",
         "meterd.toml:6: meters.m.address: is 144, must be between 3 and 119"),
        ("[meters.m]\nkind = \"modbus\"", "meterd.toml:2: meters.m.kind: is \"modbus\"; only \"simulated\" may be given here"),
        ("[meterd]\nuser = \"meterd\"", "meterd.toml: meters: is missing (add a [meters] table)"),
        ("[meters.demo\nkind = \"simulated\"", "meterd.toml:1:"),
        ("[meterd]\nstate_directory = \"/var/lib\n[meters.demo]\nkind = \"simulated\"",
         "meterd.toml:2:19: unclosed quote: the string that starts here has no closing quote on its line (add the closing quote)"),
        ("[meters.demo]\nkind = \"simulated\"\nseed = 1.5", "meterd.toml:3: meters.demo.seed: must be an integer, found a number"),
        ("[meters.demo]\nkind = \"simulated\"\n[chian]\nurl = \"http://x\"", "meterd.toml:3: chian: is not a known key here (did you mean chain?)"),
    ]

    @Test(arguments: badConfigurations)
    func aBadConfigurationNamesItsKeyAndLine(text: String, expected: String) {
        let found = messages(text)
        #expect(found.contains { $0.hasPrefix(expected) }, "got \(found)")
    }

    @Test func aMeterWhoseProfileFileIsBrokenSaysWhatIsWrongInIt() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("profiles-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "[meter]\nmodel = 1\n".write(to: folder.appendingPathComponent("mine.toml"), atomically: true, encoding: .utf8)
        let text = "[meterd]\nprofile_dirs = [\"\(folder.path)\"]\n[buses.a]\nkind = \"modbus-tcp\"\nhost = \"h\"\n"
            + "[meters.m]\nbus = \"a\"\nunit_id = 1\nprofile = \"mine\""
        let found = messages(text)
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("meterd.toml:9: meters.m.profile: names \"mine\", whose file has errors: \(folder.path)/mine.toml:") == true,
                "\(found)")
        #expect(found.first?.contains("meter.model: must be a string, found an integer") == true)
    }

    /// A meter whose bus is missing: its unit_id and profile are not also called unknown keys.
    @Test func aMissingBusIsTheOnlyProblemOfItsMeter() {
        let text = "[meterd]\n\(Self.profiles)\n[meters.m]\nbus = \"b\"\nunit_id = 1\nprofile = \"eastron-sdm630\""
        #expect(messages(text) == ["meterd.toml:4: meters.m.bus: names \"b\", which is not a [buses.b] table (add that bus)"])
    }

    @Test func aProfileDirectoryThatDoesNotExistIsSaidToBeMissing() {
        let text = "[meterd]\nprofile_dirs = [\"/nonexistent/meters\"]\n[buses.a]\nkind = \"modbus-tcp\"\nhost = \"h\"\n"
            + "[meters.m]\nbus = \"a\"\nunit_id = 1\nprofile = \"eastron-sdm630\""
        let found = messages(text)
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("meterd.toml:9: meters.m.profile: names \"eastron-sdm630\", which is not a profile in /nonexistent/meters "
            + "(none of these directories exists: install meterd's profiles (scripts/install or the Debian package)") == true, "\(found)")
    }

    @Test func aProfileDirectoryThatCannotBeListedIsSaidWithWhy() throws {
        let notADirectory = NSTemporaryDirectory() + "meterd-profiles-\(UUID().uuidString)"
        try Data("not a directory".utf8).write(to: URL(fileURLWithPath: notADirectory))
        defer { try? FileManager.default.removeItem(atPath: notADirectory) }
        let text = "[meterd]\nprofile_dirs = [\"\(notADirectory)\"]\n[buses.a]\nkind = \"modbus-tcp\"\nhost = \"h\"\n"
            + "[meters.m]\nbus = \"a\"\nunit_id = 1\nprofile = \"eastron-sdm630\""
        let found = messages(text)
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("meterd.toml:9: meters.m.profile: names \"eastron-sdm630\", which is not a profile in \(notADirectory) "
            + "(\(notADirectory) cannot be listed (Not a directory): install meterd's profiles") == true, "\(found)")
    }

    @Test func everyProblemIsReportedInOnePass() {
        let text = "[meterd]\npoll_interval_seconds = -1\nslot_length_seconds = 0\n[meters.demo]\nkind = \"simulated\"\nseed = \"x\""
        #expect(messages(text).count == 3)
    }

    @Test func aMissingFileSaysSo() {
        let refusal = #expect(throws: MeterdError.self) { try ConfigurationLoader.load(path: "/nonexistent/meterd.toml") }
        #expect(refusal?.code == .configuration)
        do {
            _ = try ConfigurationLoader.load(path: "/nonexistent/meterd.toml")
        } catch {
            #expect(error.description == "/nonexistent/meterd.toml: cannot read the file (No such file or directory) (check that it exists and that the service user may read it)")
        }
    }
}
