import Foundation
import Testing
@testable import MeterDaemon

/// `[guard]` and the interval lookup the guard uses for each slot.
@Suite struct GuardConfigurationTests {
    static let meters = """
        [meters.main]
        kind = "simulated"
        """
    static let chain = """
        [chain]
        rpc_urls = ["http://127.0.0.1:8545"]
        chain_id = 31337
        contract = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
        agreement_id = 1
        """

    func parse(_ text: String) throws -> MeterdConfiguration {
        try ConfigurationLoader.parse(try TOMLSource(path: "meterd.toml", text: Self.meters + "\n" + text))
    }

    func problems(_ text: String) -> [ConfigurationProblem] {
        do { _ = try parse(text); return [] } catch let error as MeterdError where error.code == .configuration { return error.problems } catch {
            return [ConfigurationProblem(file: "", line: nil, key: nil, message: "\(error)", fix: nil)]
        }
    }

    @Test func oneIntervalForEverySlotWithoutAChain() throws {
        let configuration = try parse("[guard]\nslot_min_wh = 2000\nslot_max_wh = 10500.5\nmax_power_w = 80000")
        #expect(configuration.slotGuard == GuardConfiguration(interval: SlotInterval(minimumWattHours: 2000, maximumWattHours: 10_500.5),
                                                               maximumPowerWatts: 80_000))
        #expect(try parse("").slotGuard == nil)
    }

    @Test func aBadValueIsNamedWithItsKeyAndLine() {
        // meters take lines 1 and 2; [guard] is line 3.
        let negative = problems("[guard]\nslot_min_wh = -5\nslot_max_wh = 10000")
        #expect(negative.count == 1)
        #expect(negative.first?.key == "guard.slot_min_wh" && negative.first?.line == 4)
        #expect(negative.first?.message == "is -5.0, must be between 0.0 and 4294967294.0")

        let text = problems("[guard]\nslot_min_wh = \"2 kWh\"\nslot_max_wh = 10000")
        #expect(text.first?.key == "guard.slot_min_wh" && text.first?.message.hasPrefix("must be a number, found") == true)

        let inverted = problems("[guard]\nslot_min_wh = 12000\nslot_max_wh = 10000")
        #expect(inverted.first?.key == "guard.slot_max_wh" && inverted.first?.line == 5)
        #expect(inverted.first?.message == "is 10000, below slot_min_wh 12000")

        let missing = problems("[guard]\nslot_max_wh = 10000")
        #expect(missing.map(\.key) == ["guard.slot_min_wh"])
        #expect(missing.first?.message == "is missing")

        let typo = problems("[guard]\nslot_min_wh = 1\nslot_max_whh = 10000")
        #expect(typo.contains { $0.key == "guard.slot_max_whh" && $0.line == 5 && $0.fix == "did you mean slot_max_wh?" })

        #expect(problems("[guard]\nmax_power_w = 1000").first?.message.contains("sets no interval") == true)
    }

    @Test func thePowerWindowIsReadAndChecked() throws {
        let configuration = try parse("[guard]\nslot_min_wh = 1\nslot_max_wh = 2\npower_window_seconds = 120")
        #expect(configuration.slotGuard?.powerWindowSeconds == 120)
        #expect(try parse("[guard]\nslot_min_wh = 1\nslot_max_wh = 2").slotGuard?.powerWindowSeconds == nil)
        let zero = problems("[guard]\nslot_min_wh = 1\nslot_max_wh = 2\npower_window_seconds = 0")
        #expect(zero.map(\.key) == ["guard.power_window_seconds"] && zero.first?.line == 6)
        // A bad interval does not make the window an unknown key.
        #expect(problems("[guard]\nslot_max_wh = 2\npower_window_seconds = 30").map(\.key) == ["guard.slot_min_wh"])
    }

    @Test func withAChainTheIntervalIsTheAgreementsAndNotTheTables() throws {
        let found = problems(Self.chain + "\n[guard]\nslot_min_wh = 1\nslot_max_wh = 2")
        #expect(found.first?.key == "guard.slot_min_wh")
        #expect(found.first?.message.contains("comes from the agreement's profile") == true)
        let configuration = try parse(Self.chain + "\n[guard]\nmax_power_w = 50000")
        #expect(configuration.slotGuard == GuardConfiguration(interval: nil, maximumPowerWatts: 50_000))
    }

    /// The commented [guard] section of etc/meterd.toml parses as it stands.
    @Test func theDocumentedSectionParses() throws {
        let lines = try String(contentsOfFile: RepositoryPaths.defaultConfiguration, encoding: .utf8).components(separatedBy: "\n")
        let start = try #require(lines.firstIndex(of: "# [guard]"))
        let section = lines[start...].prefix { $0.hasPrefix("# ") }.map { String($0.dropFirst(2)) }
            .filter { $0.hasPrefix("[") || $0.contains(" = ") }
        #expect(section.count == 14)
        let configuration = try parse(section.joined(separator: "\n"))
        let output = LoadOutputConfiguration(target: .tcp(host: "192.168.1.50", port: 502), unit: 1, shedCoil: 0, addCoil: 1,
                                             timing: LoadRequestTiming(minimumOnSeconds: 30, minimumOffSeconds: 30, releaseMarginPercent: 5))
        #expect(configuration.slotGuard == GuardConfiguration(interval: SlotInterval(minimumWattHours: 2000, maximumWattHours: 10_000),
                                                               maximumPowerWatts: 90_000, powerWindowSeconds: 60, output: output))
    }

    static let bus = """
        [buses.plc]
        kind = "modbus-tcp"
        host = "10.0.0.9"
        """

    @Test func aCoilOutputOnAConfiguredBusWithItsDefaults() throws {
        let configuration = try parse(Self.bus + "\n[guard]\nslot_min_wh = 0\nslot_max_wh = 100\noutput = \"modbus-coil\"\noutput_bus = \"plc\"\n"
                                      + "output_unit_id = 3\nshed_coil = 0x10")
        #expect(configuration.slotGuard?.output == LoadOutputConfiguration(target: .bus("plc"), unit: 3, shedCoil: 16, addCoil: nil,
                                                                            timing: LoadRequestTiming()))
        #expect(LoadRequestTiming() == LoadRequestTiming(minimumOnSeconds: 30, minimumOffSeconds: 30, releaseMarginPercent: 5))
        #expect(try parse("[guard]\nslot_min_wh = 0\nslot_max_wh = 100").slotGuard?.output == nil, "output = \"none\" is the default")
        let tcp = try parse("[guard]\nslot_min_wh = 0\nslot_max_wh = 1\noutput = \"modbus-coil\"\noutput_host = \"plc.local\"\noutput_unit_id = 1\nshed_coil = 5")
        #expect(tcp.slotGuard?.output?.target == .tcp(host: "plc.local", port: 502))
    }

    /// Each bad output key is named with its line ([guard] is line 3 after the two meter lines).
    @Test(arguments: [
        ("output = \"relay\"", "guard.output", "must be one of"),
        ("output = \"modbus-coil\"\noutput_bus = \"nope\"\noutput_unit_id = 1\nshed_coil = 0", "guard.output_bus", "not configured"),
        ("output = \"modbus-coil\"\noutput_host = \"h\"\noutput_unit_id = 248\nshed_coil = 0", "guard.output_unit_id", "between 1 and 247"),
        ("output = \"modbus-coil\"\noutput_host = \"h\"\noutput_unit_id = 1", "guard.shed_coil", "is missing"),
        ("output = \"modbus-coil\"\noutput_host = \"h\"\noutput_unit_id = 1\nshed_coil = 70000", "guard.shed_coil", "between 0 and 65535"),
        ("output = \"modbus-coil\"\noutput_host = \"h\"\noutput_unit_id = 1\nshed_coil = 2\nadd_coil = 2", "guard.add_coil", "same coil"),
        ("output = \"modbus-coil\"\noutput_host = \"h\"\noutput_unit_id = 1\nshed_coil = 0\nmin_on_seconds = -1", "guard.min_on_seconds", "between"),
        ("output = \"modbus-coil\"\noutput_host = \"h\"\noutput_unit_id = 1\nshed_coil = 0\nrelease_margin_percent = 80", "guard.release_margin_percent", "between"),
        ("output = \"modbus-coil\"\noutput_unit_id = 1\nshed_coil = 0", "guard.output", "says no bus"),
        ("output = \"modbus-coil\"\noutput_bus = \"plc\"\noutput_host = \"h\"\noutput_unit_id = 1\nshed_coil = 0", "guard.output_host", "beside output_bus"),
        ("shed_coil = 3", "guard.shed_coil", "output is \"none\""),
    ])
    func aBadOutputKeyIsNamedWithItsLine(keys: String, key: String, message: String) throws {
        let text = Self.bus + "\n[guard]\nslot_min_wh = 0\nslot_max_wh = 100\n" + keys
        let found = problems(text)
        let problem = try #require(found.first { $0.key == key }, "\(found)")
        #expect(problem.message.contains(message), "\(problem)")
        let lines = (Self.meters + "\n" + text).components(separatedBy: "\n")
        let keyName = String(key.dropFirst("guard.".count))
        // A missing key is named at its table's line.
        let line = (lines.firstIndex { $0.hasPrefix(keyName + " =") } ?? lines.firstIndex(of: "[guard]")).map { $0 + 1 }
        #expect(problem.line == line, "\(problem) expected line \(String(describing: line))")
    }

    /// Slot s of the agreement is checked against profile slot s % profile length (Agreements.vy).
    @Test func aSlotsIntervalIsItsProfileSlotModuloTheProfileLength() {
        let profile = (0..<4).map { SlotInterval(minimumWattHours: Double($0) * 100, maximumWattHours: Double($0) * 100 + 50) }
        let intervals = SlotIntervals.profile(profile)
        #expect(intervals.interval(for: 0) == profile[0])
        #expect(intervals.interval(for: 3) == profile[3])
        #expect(intervals.interval(for: 4) == profile[0])
        #expect(intervals.interval(for: 1_000_001) == profile[1])
        #expect(intervals.interval(for: -1) == nil, "before the agreement's first slot")
        #expect(SlotIntervals.profile([]).interval(for: 5) == nil)
        let fixed = SlotInterval(minimumWattHours: 1, maximumWattHours: 2)
        #expect(SlotIntervals.everySlot(fixed).interval(for: -7) == fixed)
    }
}
