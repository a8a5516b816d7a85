import Cutoff
import Drivers
import Foundation
import Testing
@testable import MeterDaemon

@Suite struct CutoffConfigurationTests {
    static let meters = """
        [meters.main]
        kind = "simulated"
        """

    func parse(_ text: String) throws -> MeterdConfiguration {
        try ConfigurationLoader.parse(try TOMLSource(path: "meterd.toml", text: CutoffConfigurationTests.meters + "\n" + text))
    }

    func problems(_ text: String) -> [ConfigurationProblem] {
        do { _ = try parse(text); return [] } catch let error as MeterdError where error.code == .configuration { return error.problems } catch { return [ConfigurationProblem(file: "", line: nil, key: nil, message: "\(error)", fix: nil)] }
    }

    @Test func aFullRelayAndLimiterTable() throws {
        let configuration = try parse("""
            [relay]
            chip = "pinctrl-bcm2711"
            line = "GPIO17"
            active_low = true
            energised = "connects"
            fail_state = "disconnected"
            remote_reconnection = "automatic"
            cutoff_current_a = 2
            cutoff_within_seconds = 8
            request_dir = "/run/meterd/relay"
            [relay.feedback]
            line = 27
            active_when_closed = false
            [relay.button]
            chip = "/dev/gpiochip1"
            line = 5
            [limiter]
            power_threshold_w = 50000
            emergency_power_threshold_w = 90000
            current_threshold_a = 80
            min_over_threshold_seconds = 20
            hysteresis_percent = 10
            reconnection = "automatic"
            min_under_threshold_seconds = 120
            """)
        let relay = try #require(configuration.relay)
        #expect(relay.line == GPIOLineAddress(chip: "pinctrl-bcm2711", line: .name("GPIO17"), activeLow: true))
        #expect(relay.wiring.energised == .connects && relay.remoteReconnection == .automatic)
        #expect(relay.feedback == FeedbackConfiguration(line: GPIOLineAddress(chip: "pinctrl-bcm2711", line: .offset(27)), activeWhenClosed: false))
        #expect(relay.button == GPIOLineAddress(chip: "/dev/gpiochip1", line: .offset(5)))
        #expect(relay.effectiveness == CutoffEffectiveness.Settings(currentLevel: 2, withinSeconds: 8))
        #expect(relay.effectivenessMeter == "main" && relay.requestDirectory == "/run/meterd/relay")
        let limiter = try #require(configuration.limiter)
        #expect(limiter.meter == "main")
        #expect(limiter.settings == LimiterSettings(powerThreshold: 50_000, currentThreshold: 80, emergencyPowerThreshold: 90_000,
                                                    minOverThresholdSeconds: 20, hysteresis: 0.1, reconnection: .automatic(afterSecondsUnder: 120)))
    }

    @Test func defaultsAreTheCautiousOnes() throws {
        let relay = try #require(try parse("[relay]\nchip = \"gpiochip0\"\nline = 17\nenergised = \"cuts\"\nfail_state = \"connected\"").relay)
        #expect(relay.remoteReconnection == .local)
        #expect(relay.effectiveness == nil && relay.feedback == nil && relay.button == nil)
        #expect(relay.requestDirectory == RelayConfiguration.defaultRequestDirectory)
        #expect(try parse("").relay == nil)
    }

    @Test func aFailStateTheWiringCannotGiveIsRefused() {
        let found = problems("[relay]\nchip = \"gpiochip0\"\nline = 17\nenergised = \"cuts\"\nfail_state = \"disconnected\"")
        #expect(found.count == 1)
        #expect(found.first?.key == "relay.fail_state" && found.first?.line == 7)
        #expect(found.first?.description.contains("unpowered relay leaves the supply connected") == true)
    }

    @Test func missingAndMistypedKeysAreNamed() {
        let found = problems("[relay]\nline = 1.5\nenergised = \"sometimes\"\nfail_state = \"connected\"\nrequest_directory = \"x\"")
        let keys = Set(found.compactMap(\.key))
        #expect(keys == ["relay.chip", "relay.line", "relay.energised", "relay.request_directory"])
    }

    @Test func limiterRulesAreChecked() {
        let relay = "[relay]\nchip = \"gpiochip0\"\nline = 17\nenergised = \"cuts\"\nfail_state = \"connected\"\n"
        #expect(problems(relay + "[limiter]\npower_threshold_w = 50000\nemergency_power_threshold_w = 40000").first?.key
                == "limiter.emergency_power_threshold_w")
        #expect(problems(relay + "[limiter]\nmin_over_threshold_seconds = 5").first?.message == "sets no threshold")
        #expect(problems(relay + "[limiter]\nmeter = \"other\"\npower_threshold_w = 1").first?.key == "limiter.meter")
        #expect(problems("[limiter]\npower_threshold_w = 50000").first?.message.contains("needs a [relay] table") == true)
    }

    @Test func theDocumentedDefaultConfigurationParsesWithItsRelayAndLimiter() throws {
        let source = try TOMLSource.read(path: RepositoryPaths.defaultConfiguration)
        var root = source.root
        guard case .table(var general) = root["meterd"] else { Issue.record("no [meterd]"); return }
        general["profile_dirs"] = .array([.string(RepositoryPaths.meterProfiles)])
        root["meterd"] = .table(general)
        let configuration = try ConfigurationLoader.parse(TOMLSource(path: source.path, root: root, locator: source.locator))
        let relay = try #require(configuration.relay)
        #expect(relay.line == GPIOLineAddress(chip: "gpiochip0", line: .offset(17)))
        #expect(relay.wiring.failStateConnected && relay.remoteReconnection == .local)
        #expect(configuration.limiter?.meter == "main")
    }

    @Test func configCheckNamesAMissingGPIOChip() throws {
        let directory = TemporaryDirectory("relay-config")
        defer { directory.remove() }
        let path = directory.file("meterd.toml")
        try (CutoffConfigurationTests.meters + "\n[relay]\nchip = \"/dev/gpiochip-meterd-missing\"\nline = 17\nenergised = \"cuts\"\nfail_state = \"connected\"\n"
             + "[relay.button]\nchip = \"pinctrl-bcm2711\"\nline = 22\n").write(toFile: path, atomically: true, encoding: .utf8)
        let check = ConfigurationCheck.run(path: path)
        #expect(check.problems.map(\.key) == ["relay.chip"])
        #expect(check.problems.first?.line == 4 && check.problems.first?.description.contains("gpiodetect") == true)
        #expect(check.notes.contains { $0.contains("pinctrl-bcm2711") && $0.contains("label") })
        #expect(RelayDeviceCheck.devicePath("gpiochip2") == "/dev/gpiochip2" && RelayDeviceCheck.devicePath("0") == "/dev/gpiochip0")
    }
}
