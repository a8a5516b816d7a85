import Foundation
@testable import MeterDaemon
import Testing

/// `meterd run` against the Modbus simulator with a [guard] interval its load overruns: the guard says
/// so once per change of state at notice level, publishes its report, and `meterd slot` shows it.
@Suite(.serialized) struct DaemonSlotGuardTests {
    @Test func theDaemonPublishesTheGuardsReportAndLogsItsChangesOfState() async throws {
        // 60 simulated seconds a second: the register moves 60 times as fast as the site draws, hundreds of Wh a 4 s slot.
        let simulator = try ModbusSimulator(units: [1: "eastron-sdm630"], extraArguments: ["--load-curve", "5", "--time-scale", "60"])
        defer { simulator.stop() }
        let daemon = try DaemonProcess(configuration: DaemonProcess.simulatorConfiguration(port: simulator.tcpPort!, slotSeconds: 4) + """

            [guard]
            slot_min_wh = 0
            slot_max_wh = 50
            """)
        let notify = try NotifySocket()
        try daemon.start(environment: ["NOTIFY_SOCKET": notify.path])
        #expect(notify.receive(until: "READY=1", timeout: 15) != nil, "no READY=1; log:\n\(daemon.log)")
        let path = SlotGuardPublication.path(stateDirectory: daemon.state.path)
        var projected: SlotGuardPublication?
        _ = try await eventually(within: 20) {
            projected = try SlotGuardPublication.read(from: path).flatMap { $0.report?.projection == nil ? nil : $0 }
            return projected != nil
        }
        let publication = try #require(projected, "no projection published; log:\n\(daemon.log)")
        let projection = try #require(publication.report?.projection)
        #expect(projection.interval == SlotInterval(minimumWattHours: 0, maximumWattHours: 50))
        #expect(projection.slotEnd.timeIntervalSince(projection.slotStart) == 4)
        #expect(publication.refreshSeconds == 0.2)
        // The STATUS= line carries the guard's short form once it has one.
        #expect(notify.receive(until: "slot \(projection.slot)", timeout: 10) != nil, "no guard on STATUS=; log:\n\(daemon.log)")

        let (status, shown) = try DaemonProcess.meterd(["slot", "--config", daemon.configuration])
        #expect(status == 0, "\(shown)")
        #expect(shown.contains("interval:   0 Wh to 50 Wh") && shown.contains("daemon:     running (pid"), "\(shown)")

        // Let a few slots pass, so states change more than once.
        try await Task.sleep(nanoseconds: 5_000_000_000)
        #expect(daemon.stop() == 0, "log:\n\(daemon.log)")
        let log = daemon.log
        #expect(log.contains("<5>slot guard on: intervals from [guard]: 0 Wh to 50 Wh every slot; recent power over"), "\(log)")
        let changes = log.split(separator: "\n").filter { $0.hasPrefix("<5>slot guard: ") }
        #expect(changes.contains { $0.contains(" heading-over: keep below") || $0.contains(" over: the maximum of 50 Wh is passed") }, "\(changes)")
        // One line per change of state, not per poll: about 100 polls ran.
        #expect(changes.count >= 2 && changes.count < 40, "\(changes.count) lines: \(changes)")
        for (previous, next) in zip(changes, changes.dropFirst()) {
            #expect(Self.state(previous) != Self.state(next), "the same state logged twice in a row: \(previous) / \(next)")
        }
    }

    /// "slot guard: slot 12 heading-over: …" → "heading-over"; "slot guard: one-reading: …" → "one-reading".
    static func state(_ line: Substring) -> String {
        let words = line.dropFirst("<5>slot guard: ".count).split(separator: " ")
        let word = words.first == "slot" && words.count > 2 ? words[2] : words.first ?? ""
        return String(word.dropLast())
    }
}
