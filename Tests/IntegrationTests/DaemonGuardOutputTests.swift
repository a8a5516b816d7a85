import Foundation
@testable import MeterDaemon
import Testing

/// `meterd run` with `[guard] output = "modbus-coil"` against the simulator's load controller: the
/// load overruns the interval, meterd sets the shed coil, the simulated load drops, the change is
/// journaled, and once the projection is back below the release margin the coil is cleared.
@Suite(.serialized) struct DaemonGuardOutputTests {
    func shedCoil(_ simulator: ModbusSimulator) throws -> [String: Any] {
        try simulator.control(["cmd": "coil", "role": "shed"])
    }

    /// The simulator's load curve on a weekday at 10:00 (about 17 kW), 60 simulated seconds a second.
    func simulator(_ extraArguments: [String] = []) throws -> ModbusSimulator {
        try ModbusSimulator(units: [1: "eastron-sdm630"], extraArguments: [
            "--load-curve", "5", "--time-scale", "60", "--sim-start", "2026-11-25T10:00:00+00:00",
        ] + extraArguments)
    }

    /// `meterd run` on the simulator with 4 s slots and this `[guard]` table.
    func daemon(on simulator: ModbusSimulator, guard table: String) throws -> DaemonProcess {
        try DaemonProcess(configuration: DaemonProcess.simulatorConfiguration(port: simulator.tcpPort!, slotSeconds: 4) + "\n[guard]\n" + table)
    }

    /// A `[guard]` table that sheds through coil 0 of unit 1 on the simulator's bus, with `timing`.
    func coilGuard(slotMaxWattHours: Int, _ timing: String) -> String {
        """
        slot_min_wh = 0
        slot_max_wh = \(slotMaxWattHours)
        output = "modbus-coil"
        output_bus = "sim"
        output_unit_id = 1
        shed_coil = 0
        \(timing)
        """
    }

    func journaledOutputs(_ daemon: DaemonProcess) throws -> [GuardOutput] {
        try JournalReader(directory: daemon.journal).records().compactMap { record in
            if case .guardOutput(let output) = record.payload { return output } else { return nil }
        }
    }

    @Test func theDaemonShedsThroughTheCoilJournalsItAndClearsItOnceTheSlotIsBackInside() async throws {
        // About 1.1 kWh a 4 s slot unshed, half of it shed; the maximum of 900 Wh lies between the two.
        let simulator = try self.simulator(["--shed-coil", "1:0", "--shed-fraction", "0.5"])
        defer { simulator.stop() }
        let daemon = try self.daemon(on: simulator, guard: coilGuard(slotMaxWattHours: 900, """
            min_on_seconds = 10
            min_off_seconds = 0
            release_margin_percent = 5
            """))
        let notify = try NotifySocket()
        try daemon.start(environment: ["NOTIFY_SOCKET": notify.path])
        #expect(notify.receive(until: "READY=1", timeout: 15) != nil, "no READY=1; log:\n\(daemon.log)")

        let set = try await eventually(within: 40) { try shedCoil(simulator)["on"] as? Bool == true }
        #expect(set, "the shed coil was never set; log:\n\(daemon.log)")
        #expect((try shedCoil(simulator)["load_factor"] as? Double).map { abs($0 - 0.5) < 1e-9 } == true, "the simulated load drops")
        #expect(notify.receive(until: "shed load requested", timeout: 10) != nil, "no request on STATUS=; log:\n\(daemon.log)")
        // The recent power follows the shed load within the guard's window; the projection falls below
        // 855 Wh (900 − 5 %) and the request ends.
        let cleared = try await eventually(within: 60) { try shedCoil(simulator)["on"] as? Bool == false }
        #expect(cleared, "the shed coil was never cleared; log:\n\(daemon.log)")
        #expect(daemon.stop() == 0, "log:\n\(daemon.log)")

        let log = daemon.log
        #expect(log.contains("<5>slot guard output: shed load requested: slot "), "\(log)")
        #expect(log.contains("<5>slot guard output: no load request: "), "\(log)")
        let outputs = try journaledOutputs(daemon)
        let shed = try #require(outputs.first, "no guard-output record; log:\n\(log)")
        #expect(shed.request == .shed && shed.previous == .none && shed.state == "heading-over" && shed.slot != nil)
        #expect((shed.projectedWattHours ?? 0) > 900)
        let release = try #require(outputs.dropFirst().first, "no record of the request's end: \(outputs)")
        #expect(release.request == .none && release.previous == .shed && release.state == "inside", "\(release)")
        #expect((release.projectedWattHours ?? .infinity) < 855, "\(release)")
        // `meterd journal show --type guard-output` lists them, with their fields.
        let (status, shown) = try DaemonProcess.meterd(["journal", "show", "--config", daemon.configuration, "--type", "guard-output"])
        #expect(status == 0, "\(shown)")
        let lines = shown.split(separator: "\n").filter { $0.contains("guard-output") }
        #expect(lines.count == outputs.count && lines.first?.contains("request=shed") == true, "\(shown)")
        // Each change once: the records alternate.
        for (previous, next) in zip(outputs, outputs.dropFirst()) { #expect(next.previous == previous.request && next.request != previous.request) }
        // The writes that reached the simulator: on change only, not at every reading (about 250 polls).
        let writes = try #require(shedCoil(simulator)["writes"] as? Int)
        #expect(writes >= 2 && writes <= outputs.count + 2, "\(writes) writes for \(outputs.count) changes")
    }

    /// A clean stop clears the coil (the site's load is not held down by a request meterd no longer
    /// follows) and journals the end of the request.
    @Test func aCleanStopClearsTheCoilAndJournalsIt() async throws {
        let simulator = try self.simulator(["--shed-coil", "1:0"])
        defer { simulator.stop() }
        let daemon = try self.daemon(on: simulator, guard: coilGuard(slotMaxWattHours: 50, "min_on_seconds = 600"))
        try daemon.start()
        let set = try await eventually(within: 30) { try shedCoil(simulator)["on"] as? Bool == true }
        #expect(set, "the shed coil was never set; log:\n\(daemon.log)")
        #expect(daemon.stop() == 0, "log:\n\(daemon.log)")
        #expect(try shedCoil(simulator)["on"] as? Bool == false, "the coil is cleared at stop; log:\n\(daemon.log)")
        let outputs = try journaledOutputs(daemon)
        #expect(outputs.map(\.request) == [.shed, .none], "held by its minimum time until the stop: \(outputs)")
        #expect(outputs.last?.state == "stopping" && outputs.last?.reason == "meterd stops: the output is cleared")
    }

    /// `output = "gpio"` on the simulated chip: the daemon requests the line, asks to shed and journals it.
    @Test func aGPIOOutputOnTheSimulatedChipRunsInTheDaemon() async throws {
        let simulator = try self.simulator()
        defer { simulator.stop() }
        let daemon = try self.daemon(on: simulator, guard: """
            slot_min_wh = 0
            slot_max_wh = 50
            output = "gpio"
            output_chip = "simulated"
            shed_line = 23
            """)
        try daemon.start()
        let asked = try await eventually(within: 30) { daemon.log.contains("<5>slot guard output: shed load requested: slot ") }
        #expect(asked, "log:\n\(daemon.log)")
        #expect(daemon.stop() == 0, "log:\n\(daemon.log)")
        #expect(daemon.log.contains("<5>slot guard output: shed GPIO chip \"simulated\" line 23"), "\(daemon.log)")
        #expect(!daemon.log.contains("cannot write"), "\(daemon.log)")
        let outputs = try journaledOutputs(daemon)
        #expect(outputs.first?.request == .shed && outputs.last?.state == "stopping", "\(outputs)")
    }
}
