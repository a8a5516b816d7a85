import Foundation
import Glibc
@testable import MeterDaemon
import Testing

/// `meterd slot` as the built binary, against a report file written here and a journal lock held here
/// in the daemon's place.
@Suite(.serialized) struct SlotCommandTests {
    let state = FileManager.default.temporaryDirectory.appendingPathComponent("meterd-slot-\(UUID().uuidString.prefix(8))").path
    let clock = SlotClock(origin: Date(timeIntervalSince1970: 1_790_000_000), length: 900)

    func configure(_ tables: String = "[guard]\nslot_min_wh = 2000\nslot_max_wh = 10000\n") throws -> String {
        try FileManager.default.createDirectory(atPath: state + "/journal", withIntermediateDirectories: true)
        let path = state + "/meterd.toml"
        try """
            [meterd]
            state_directory = "\(state)"
            poll_interval_seconds = 1
            [meters.main]
            kind = "simulated"
            \(tables)
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Holds the journal's lock as `meterd run` does, until the returned descriptor is closed.
    func holdJournalLock() throws -> Int32 {
        let descriptor = open(state + "/journal/LOCK", O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
        try #require(descriptor >= 0)
        var lock = flock(l_type: Int16(F_WRLCK), l_whence: Int16(SEEK_SET), l_start: 0, l_len: 0, l_pid: 0)
        try #require(fcntl(descriptor, F_SETLK, &lock) == 0)
        return descriptor
    }

    /// 540 s into slot 3 at 54 kW with 8100 Wh so far: heading over, 19 kW allowed (SlotGuardTests).
    func publish(age: Double) throws {
        let now = Date()
        let at = now.addingTimeInterval(-age)
        var projection = SlotProjection.project(slot: 3, clock: clock, at: clock.start(of: 3).addingTimeInterval(540), energySoFarWattHours: 8100,
                                                recentPowerWatts: 54_000, interval: SlotInterval(minimumWattHours: 2000, maximumWattHours: 10_000),
                                                maximumPowerWatts: nil)
        projection.at = at
        try SlotGuardPublication(published: at, refreshSeconds: 1, report: .projection(projection))
            .write(to: SlotGuardPublication.path(stateDirectory: state))
    }

    @Test func aFreshReportFromARunningDaemonIsShownForAPersonOnSite() throws {
        defer { try? FileManager.default.removeItem(atPath: state) }
        let config = try configure()
        let lock = try holdJournalLock()
        defer { close(lock) }
        try publish(age: 1)
        let (status, output) = try DaemonProcess.meterd(["slot", "--config", config])
        #expect(status == 0, "\(output)")
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.first == "slot:       3 (14:58:20 to 15:13:20 UTC)", "\(output)")
        #expect(lines.contains("interval:   2.0 kWh to 10.0 kWh"))
        #expect(lines.contains("energy:     8.1 kWh so far"))
        #expect(lines.contains("projection: 13.5 kWh at the slot's end, at the recent 54.0 kW"))
        #expect(lines.contains("time_left:  6 min 0 s"))
        #expect(lines.contains("state:      heading-over"))
        #expect(lines.contains("advice:     keep below 19.0 kW for the next 6 min 0 s (now 54.0 kW)"))
        #expect(lines.contains("daemon:     running (pid \(getpid()))"))
        #expect(!output.contains("problem:"))

        let (jsonStatus, json) = try DaemonProcess.meterd(["slot", "--config", config, "--json"])
        #expect(jsonStatus == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["state"] as? String == "heading-over" && object["slot"] as? Int == 3)
        #expect(object["power_allowed_w"] as? Int == 19_000 && object["projected_wh"] as? Int == 13_500)
        #expect(object["daemon"] as? String == "running" && object["stale"] as? Bool == false && object["healthy"] as? Bool == true)
    }

    @Test func aStaleReportOrAStoppedDaemonIsSaidAndExitsOne() throws {
        defer { try? FileManager.default.removeItem(atPath: state) }
        let config = try configure()
        let lock = try holdJournalLock()
        try publish(age: 30)
        let (stale, staleOutput) = try DaemonProcess.meterd(["slot", "--config", config])
        #expect(stale == 1)
        #expect(staleOutput.contains("problem:    the report is 30 s old (meterd publishes one every 1 s): the settlement meter has not been read since"),
                "\(staleOutput)")
        #expect(staleOutput.contains("state:      heading-over"), "what it last knew is still shown")

        close(lock)
        let (stopped, stoppedOutput) = try DaemonProcess.meterd(["slot", "--config", config])
        #expect(stopped == 1)
        #expect(stoppedOutput.contains("daemon:     not running"))
        #expect(stoppedOutput.contains("problem:    meterd run is not running: the report below is from its last run"), "\(stoppedOutput)")
    }

    @Test func noReportOrNoIntervalIsSaidPlainly() throws {
        defer { try? FileManager.default.removeItem(atPath: state) }
        let config = try configure()
        let (status, output) = try DaemonProcess.meterd(["slot", "--config", config])
        #expect(status == 1)
        #expect(output.contains("problem:    meterd run is not running, and no slot guard report is in \(state)/slot-guard.json"), "\(output)")

        let unguarded = try configure("")
        let (configStatus, configOutput) = try DaemonProcess.meterd(["slot", "--config", unguarded])
        #expect(configStatus == 78)
        #expect(configOutput == "meterd: no slot guard: no interval: add [guard] slot_min_wh and slot_max_wh, or [chain] to take each slot's from the agreement\n")
    }

    @Test func configCheckNamesABadGuardValueWithItsFileLineAndKey() throws {
        defer { try? FileManager.default.removeItem(atPath: state) }
        let config = try configure("[guard]\nslot_min_wh = 2000\nslot_max_wh = 1500\n")
        let (status, output) = try DaemonProcess.meterd(["config", "check", "--config", config])
        #expect(status == 78)
        #expect(output.contains("meterd: \(config):8: guard.slot_max_wh: is 1500, below slot_min_wh 2000"), "\(output)")
    }

    /// A chain whose profile the daemon could not learn: it runs without a guard and says why.
    @Test func aDaemonWithoutAGuardSaysWhy() throws {
        defer { try? FileManager.default.removeItem(atPath: state) }
        let config = try configure("""
            [chain]
            rpc_urls = ["http://127.0.0.1:9"]
            chain_id = 31337
            contract = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
            agreement_id = 1
            """)
        let lock = try holdJournalLock()
        defer { close(lock) }
        try SlotGuardPublication(published: Date(), refreshSeconds: 1, report: nil,
                                 noGuard: "the agreement's profile is not known (no node answered and none is cached)")
            .write(to: SlotGuardPublication.path(stateDirectory: state))
        let (status, output) = try DaemonProcess.meterd(["slot", "--config", config])
        #expect(status == 1)
        #expect(output.contains("state:      no slot guard"), "\(output)")
        #expect(output.contains("problem:    no slot guard: the agreement's profile is not known (no node answered and none is cached)"), "\(output)")
    }
}
