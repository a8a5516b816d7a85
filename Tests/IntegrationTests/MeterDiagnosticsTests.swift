import Drivers
import Foundation
@testable import MeterDaemon
import Testing

/// The library code behind `meterd read` and `meterd probe modbus`, against the simulator.
@Suite(.serialized) struct MeterDiagnosticsTests {
    func configuration(port: Int) throws -> MeterdConfiguration {
        let text = """
            [meterd]
            \(ModbusSimulator.siteTables(port: port, busOptions: "response_timeout_ms = 200"))
            [meters.sub]
            bus = "sim"
            unit_id = 2
            profile = "abb-b23"
            """
        return try ConfigurationLoader.parse(try TOMLSource(path: "meterd.toml", text: text))
    }

    @Test func aSpuriousZeroOfTheEnergyRegisterIsRejectedAcrossPolls() async throws {
        let simulator = try ModbusSimulator(units: [1: "eastron-sdm630", 2: "abb-b23"])
        defer { simulator.stop() }
        let configuration = try configuration(port: simulator.tcpPort!)
        let session = MeterReadSession(configuration: configuration, meters: try MeterFactory.make(configuration))
        let first = await session.readAll()
        guard case .read(let good) = first[0].result else { Issue.record("first poll failed"); return }
        let before = try #require(good.energy[.importActiveEnergy])

        try simulator.control(["cmd": "set", "unit": 1, "values": ["import_active_energy": 0]])
        let second = await session.readAll()
        guard case .read(let glitch) = second[0].result else { Issue.record("second poll failed"); return }
        #expect(glitch.energy[.importActiveEnergy] == nil)
        #expect(second[0].rejections.map(\.quantity) == [.importActiveEnergy])
        #expect(second[0].rejections.first?.previous == before.milliwattHours)

        try simulator.control(["cmd": "unset", "unit": 1])
        let third = await session.readAll()
        guard case .read(let back) = third[0].result else { Issue.record("third poll failed"); return }
        #expect(back.energy[.importActiveEnergy] == before)
    }

    @Test func aMeterThatStopsAnsweringFailsAloneAndComesBack() async throws {
        let simulator = try ModbusSimulator(units: [1: "eastron-sdm630", 2: "abb-b23"])
        defer { simulator.stop() }
        let configuration = try configuration(port: simulator.tcpPort!)
        let session = MeterReadSession(configuration: configuration, meters: try MeterFactory.make(configuration))
        try simulator.control(["cmd": "silence", "unit": 2])
        let outcomes = await session.readAll()
        guard case .read = outcomes[0].result, case .failed(let message) = outcomes[1].result else {
            Issue.record("expected main read and sub failed: \(outcomes.map(\.result))"); return
        }
        #expect(message == "unit 2 did not answer within the response timeout")
        #expect(outcomes[1].heading == "sub: ABB B23, unit 2 on 127.0.0.1:\(simulator.tcpPort!)")
        try simulator.control(["cmd": "silence", "unit": 2, "on": false])
        guard case .read = await session.readAll()[1].result else { Issue.record("sub did not come back"); return }
    }

    @Test func theProbeFindsEachUnitAndNamesTheProfileThatFits() async throws {
        let simulator = try ModbusSimulator(units: [1: "eastron-sdm630", 5: "eastron-sdm120", 9: "carlo-gavazzi-em24"])
        defer { simulator.stop() }
        let library = ProfileLibrary(directories: [ModbusSimulator.profiles])
        let probe = ModbusProbe(endpoints: [.tcp(host: "127.0.0.1", port: simulator.tcpPort!)], units: Array(1...10),
                                profiles: library.loadAll().profiles, responseTimeout: 0.2, scanAllSettings: false)
        let progress = ProgressLog()
        let findings = try await probe.run { progress.append($0) }.findings
        #expect(findings.map(\.unit) == [1, 5, 9])
        #expect(findings.map { $0.fits.first?.profile } == ["eastron-sdm630", "eastron-sdm120", "carlo-gavazzi-em24"])
        #expect(progress.count == 1 + 10 + 3)
    }

    @Test func theProbeOverRTUStopsAtTheFirstSettingWhereUnitsAnswer() async throws {
        let pty = try PtyPair()
        let simulator = try ModbusSimulator(units: [3: "abb-b23"], extraArguments: ["--rtu", pty.simulatorEnd])
        defer {
            simulator.stop()
            pty.stop()
        }
        let settings = [9600, 19200].map { ModbusEndpoint.rtu(SerialSettings(device: pty.masterEnd, baud: $0)) }
        let library = ProfileLibrary(directories: [ModbusSimulator.profiles])
        let probe = ModbusProbe(endpoints: settings, units: [1, 2, 3, 4], profiles: library.loadAll().profiles,
                                responseTimeout: 0.1, scanAllSettings: false)
        let findings = try await probe.run { _ in }.findings
        #expect(findings.count == 1)
        #expect(findings.first?.endpoint == settings[0] && findings.first?.unit == 3)
        let best = try #require(findings.first?.fits.first)
        #expect(best.profile == "abb-b23" && best.plausible == 23 && best.total == 23)
    }

    @Test func unitIdListsParse() throws {
        #expect(try UnitIDRanges.parse("1-3,7,2") == [1, 2, 3, 7])
        #expect(UnitIDRanges.describe([7, 1, 2, 3, 9, 10]) == "1-3,7,9-10")
        for list in ["0-5", "5-2", "a"] {
            let refusal = #expect(throws: MeterdError.self) { try UnitIDRanges.parse(list) }
            #expect(refusal?.code == .unitIDs)
        }
    }
}

final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [ModbusProbe.Progress] = []

    func append(_ progress: ModbusProbe.Progress) {
        lock.lock()
        entries.append(progress)
        lock.unlock()
    }

    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return entries.count
    }
}
