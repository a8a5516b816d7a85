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
        do { _ = try parse(text); return [] } catch let error as ConfigurationProblems { return error.problems } catch {
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
        #expect(section.count == 4)
        let configuration = try parse(section.joined(separator: "\n"))
        #expect(configuration.slotGuard == GuardConfiguration(interval: SlotInterval(minimumWattHours: 2000, maximumWattHours: 10_000),
                                                               maximumPowerWatts: 90_000))
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
