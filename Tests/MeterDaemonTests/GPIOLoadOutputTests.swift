@testable import Drivers
import Foundation
import Logging
import Testing
@testable import MeterDaemon

/// `[guard] output = "gpio"`: its keys, and the lines it drives on the simulated line.
@Suite struct GPIOLoadOutputTests {
    func parse(_ text: String) throws -> MeterdConfiguration {
        try ConfigurationLoader.parse(try TOMLSource(path: "meterd.toml", text: "[meters.main]\nkind = \"simulated\"\n" + text))
    }

    @Test func theKeysAndTheirProblems() throws {
        let configuration = try parse("[guard]\nslot_min_wh = 0\nslot_max_wh = 9\noutput = \"gpio\"\noutput_chip = \"gpiochip0\"\nshed_line = 23\n"
                                      + "add_line = \"GPIO24\"\noutput_active_low = true\nmin_on_seconds = 60")
        #expect(configuration.slotGuard?.gpioOutput == GPIOLoadOutputConfiguration(
            shedLine: GPIOLineAddress(chip: "gpiochip0", line: .offset(23), activeLow: true),
            addLine: GPIOLineAddress(chip: "gpiochip0", line: .name("GPIO24"), activeLow: true),
            timing: LoadRequestTiming(minimumOnSeconds: 60, minimumOffSeconds: 30, releaseMarginPercent: 5)))
        #expect(configuration.slotGuard?.output == nil)
        func problem(_ keys: String) -> ConfigurationProblem? {
            do { _ = try parse("[guard]\nslot_min_wh = 0\nslot_max_wh = 9\n" + keys); return nil } catch let error as MeterdError where error.code == .configuration {
                return error.problems.first
            } catch { return nil }
        }
        #expect(problem("output = \"gpio\"\nshed_line = 23")?.key == "guard.output_chip")
        #expect(problem("output = \"gpio\"\noutput_chip = \"c\"")?.key == "guard.shed_line")
        #expect(problem("output = \"gpio\"\noutput_chip = \"c\"\nshed_line = 2\nadd_line = 2")?.key == "guard.add_line")
        let crossed = problem("output = \"gpio\"\noutput_chip = \"c\"\nshed_line = 2\nshed_coil = 1")
        #expect(crossed?.key == "guard.shed_coil" && crossed?.line == 9 && crossed?.message.contains("output is \"gpio\"") == true, "\(String(describing: crossed))")
    }

    @Test func theLinesFollowTheRequestOffBeforeOn() async throws {
        let shed = SimulatedLine(initiallyActive: false)
        let add = SimulatedLine(initiallyActive: false)
        let output = GPIOLoadOutput(shedLine: shed, addLine: add, place: "test lines")
        try await output.apply(.shed)
        #expect(shed.current && !add.current)
        try await output.apply(.add)
        #expect(!shed.current && add.current)
        #expect(shed.changes.last!.at <= add.changes.last!.at, "the shed line went off before the add line came on")
        try await output.apply(.none)
        #expect(!shed.current && !add.current)
    }

    /// In the output's loop: a failed line write is retried at the next report, and the request is journaled once.
    @Test func aFailedLineIsSetAgainAtTheNextReport() async throws {
        let shed = SimulatedLine(initiallyActive: false)
        var guardOutput = SlotGuardOutput(controller: LoadRequestController(timing: LoadRequestTiming(), canAdd: false),
                                          output: GPIOLoadOutput(shedLine: shed, addLine: nil, place: "test line"))
        let report = LoadRequestControllerTests.report(0, projected: 20_000)
        shed.fail(with: DriverError.gpio(.systemError(operation: "set", errno: 5), address: shed.address, message: "test"))
        let logger = Logger(label: "test")
        #expect(await guardOutput.follow(report, supplyConnected: true, logger: logger) != nil, "the change is journaled")
        #expect(!shed.current && !guardOutput.isWritten)
        shed.fail(with: nil)
        #expect(await guardOutput.follow(LoadRequestControllerTests.report(1, projected: 20_000), supplyConnected: true, logger: logger) == nil)
        #expect(shed.current && guardOutput.isWritten)
    }
}
