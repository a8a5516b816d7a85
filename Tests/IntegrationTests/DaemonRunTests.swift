import Drivers
import Foundation
@testable import MeterDaemon
import Testing

/// `meterd run` as systemd runs it, against the Modbus simulator.
@Suite(.serialized) struct DaemonRunTests {
    func records(_ daemon: DaemonProcess) throws -> [JournalRecord] {
        try JournalReader(directory: daemon.journal).records()
    }

    @Test func itNotifiesSystemdJournalsSlotsAndStopsCleanlyOnSIGTERM() async throws {
        let simulator = try ModbusSimulator(units: [1: "eastron-sdm630"], extraArguments: ["--load-curve", "5", "--time-scale", "600"])
        defer { simulator.stop() }
        let daemon = try DaemonProcess(configuration: DaemonProcess.simulatorConfiguration(port: simulator.tcpPort!))
        let notify = try NotifySocket()
        try daemon.start(environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "1000000"])
        let untilReady = try #require(notify.receive(until: "READY=1", timeout: 15), "no READY=1; log:\n\(daemon.log)")
        #expect(untilReady.last?.contains("STATUS=running") == true)
        let ignored = try String(contentsOfFile: "/proc/\(daemon.process!.processIdentifier)/status", encoding: .utf8)
            .split(separator: "\n").first { $0.hasPrefix("SigIgn:") }.flatMap { UInt64($0.dropFirst(7).trimmingCharacters(in: .whitespaces), radix: 16) }
        #expect(ignored.map { $0 & (1 << (UInt64(SIGPIPE) - 1)) != 0 } == true, "SIGPIPE is not ignored: SigIgn \(String(describing: ignored))")
        #expect(notify.receive(until: "WATCHDOG=1", timeout: 5) != nil, "no watchdog ping; log:\n\(daemon.log)")
        #expect(notify.receive(until: "meters answering", timeout: 6) != nil, "no STATUS= line; log:\n\(daemon.log)")
        // The test stops reading the notifications here: their queue fills, and meterd must not stall on it.
        try await Task.sleep(nanoseconds: 3_500_000_000)
        _ = notify.receive(until: "never", timeout: 0.5)
        #expect(daemon.stop(signal: SIGTERM, timeout: 10) == 0, "log:\n\(daemon.log)")
        #expect(notify.receive(until: "STOPPING=1", timeout: 1) != nil)
        #expect(daemon.log.contains("<5>meterd stopped cleanly"))

        let journal = try records(daemon)
        let device = try DeviceKeyFile.load(path: daemon.key).address
        let verification = try JournalVerifier.verify(directory: daemon.journal, signer: device, record: { _ in })
        #expect(verification.isValid, "\(verification.problems)")
        let last = journal.last { if case .checkpoint = $0.payload { false } else { true } }
        if case .daemonStop = last?.payload {} else { Issue.record("the last record is not the stop: \(String(describing: last))") }

        // Recompute the slots from the journaled readings, independently of the daemon's run.
        let readings = journal.compactMap { record -> Reading? in if case .reading(let reading) = record.payload { reading } else { nil } }
        let slots = journal.compactMap { record -> SlotClosed? in if case .slotClosed(let slot) = record.payload { slot } else { nil } }
        #expect(slots.count >= 2, "slots closed: \(slots.count)")
        var replay = SlotAggregator(clock: SlotClock(origin: Date(timeIntervalSince1970: 0), length: 1), maximumCatchUp: 86_400)
        var replayed: [SlotAggregator.ClosedSlot] = []
        for reading in readings {
            replayed += replay.add(time: reading.time, milliwattHours: reading.energy[.importActiveEnergy]!.milliwattHours).closed
        }
        #expect(slots.map(\.consumptionWattHours) == replayed.prefix(slots.count).map(\.consumptionWattHours))
        #expect(slots.map(\.slotIndex) == replayed.prefix(slots.count).map { UInt64($0.index) })
        #expect(slots.dropFirst().allSatisfy { ($0.consumptionWattHours ?? -1) > 0 }, "a site under load uses energy every slot")
    }

    @Test func aMeterThatStopsAnsweringLeavesAGapAndLosesNoEnergy() async throws {
        let simulator = try ModbusSimulator(units: [1: "eastron-sdm630"], extraArguments: ["--load-curve", "6", "--time-scale", "600"])
        defer { simulator.stop() }
        let daemon = try DaemonProcess(configuration: DaemonProcess.simulatorConfiguration(port: simulator.tcpPort!))
        try daemon.start()
        try await Task.sleep(nanoseconds: 2_000_000_000)
        try simulator.control(["cmd": "silence", "unit": 1])
        try await Task.sleep(nanoseconds: 2_500_000_000)
        try simulator.control(["cmd": "silence", "unit": 1, "on": false])
        try await Task.sleep(nanoseconds: 2_000_000_000)
        #expect(daemon.stop() == 0, "log:\n\(daemon.log)")

        let journal = try records(daemon)
        let gaps = journal.compactMap { record -> Gap? in if case .gap(let gap) = record.payload { gap } else { nil } }
        #expect(gaps.count == 1)
        let gap = try #require(gaps.first)
        #expect(gap.meter == "main" && gap.to.timeIntervalSince(gap.from) >= 2)
        let slots = journal.compactMap { record -> SlotClosed? in if case .slotClosed(let slot) = record.payload { slot } else { nil } }
        let measured = slots.filter { $0.consumptionWattHours != nil }
        let first = try #require(slots.first?.endEnergyMilliwattHours)
        let last = try #require(slots.last?.endEnergyMilliwattHours)
        // The slots across the outage carry its energy: together they equal the register's difference.
        #expect(measured.reduce(0) { $0 + $1.consumptionWattHours! } == last / 1000 - first / 1000)
        #expect(slots.map(\.slotIndex) == Array(slots.first!.slotIndex...slots.last!.slotIndex), "no slot skipped across the gap")
        #expect(daemon.log.contains("meter does not answer"))
    }

    /// The settlement register goes missing (exception 2, or a NaN not-available marker) and comes
    /// back: said once at error level, in STATUS= and the metrics while it lasts, and the slots across
    /// the gap carry its energy from the next good value.
    @Test(arguments: ["absent", "nan"])
    func aMissingSettlementRegisterIsLoudAndLosesNoEnergy(fault: String) async throws {
        let simulator = try ModbusSimulator(units: [1: "eastron-sdm630"], extraArguments: ["--load-curve", "7", "--time-scale", "600"])
        defer { simulator.stop() }
        let metrics = FileManager.default.temporaryDirectory.appendingPathComponent("meterd-\(UUID().uuidString.prefix(8)).prom").path
        let daemon = try DaemonProcess(configuration: DaemonProcess.simulatorConfiguration(port: simulator.tcpPort!) + """

            [metrics]
            textfile = "\(metrics)"
            interval_seconds = 1
            """)
        defer { try? FileManager.default.removeItem(atPath: metrics) }
        let notify = try NotifySocket()
        try daemon.start(environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "1000000"])
        #expect(notify.receive(until: "READY=1", timeout: 15) != nil, "no READY=1; log:\n\(daemon.log)")
        try await Task.sleep(nanoseconds: 2_000_000_000)
        if fault == "absent" {
            try simulator.control(["cmd": "absent", "unit": 1, "quantity": "import_active_energy"])
        } else {
            try simulator.control(["cmd": "not_available", "unit": 1, "quantity": "import_active_energy", "marker": "nan"])
        }
        #expect(notify.receive(until: "SETTLEMENT REGISTER: main import energy missing", timeout: 15) != nil, "no STATUS=; log:\n\(daemon.log)")
        #expect(await metricsFile(metrics, contains: "meterd_settlement_register_healthy 0", within: 15))
        try simulator.control(["cmd": "unset", "unit": 1, "quantities": ["import_active_energy"]])
        // An absent register is asked for again every 10 polls (2 s here).
        #expect(await metricsFile(metrics, contains: "meterd_settlement_register_healthy 1", within: 20))
        try await Task.sleep(nanoseconds: 1_000_000_000)
        #expect(daemon.stop() == 0, "log:\n\(daemon.log)")

        #expect(daemon.log.components(separatedBy: "<3>settlement register missing").count == 2, "once per episode, at error level; log:\n\(daemon.log)")
        #expect(daemon.log.contains("settlement register reads again"))
        let journal = try records(daemon)
        let readings = journal.compactMap { record -> Reading? in if case .reading(let reading) = record.payload { reading } else { nil } }
        #expect(readings.contains { $0.energy[.importActiveEnergy] == nil }, "the fault never reached the journal")
        let slots = journal.compactMap { record -> SlotClosed? in if case .slotClosed(let slot) = record.payload { slot } else { nil } }
        let first = try #require(slots.first?.endEnergyMilliwattHours)
        let last = try #require(slots.last?.endEnergyMilliwattHours)
        #expect(slots.filter { $0.consumptionWattHours != nil }.reduce(0) { $0 + $1.consumptionWattHours! } == last / 1000 - first / 1000)
        #expect(slots.map(\.slotIndex) == Array(slots.first!.slotIndex...slots.last!.slotIndex), "no slot skipped across the gap")
    }

    /// The journal's segments deleted behind meterd's back: `meterd journal verify` says it was rolled
    /// back and what is missing, and `meterd run` starts anyway, logs it at error level and journals it.
    @Test func aDeletedJournalIsReportedAsRolledBackAndMeterdStillStarts() async throws {
        let simulator = try ModbusSimulator(units: [1: "eastron-sdm630"])
        defer { simulator.stop() }
        let daemon = try DaemonProcess(configuration: DaemonProcess.simulatorConfiguration(port: simulator.tcpPort!))
        try daemon.start()
        try await Task.sleep(nanoseconds: 2_000_000_000)
        #expect(daemon.stop() == 0, "log:\n\(daemon.log)")
        let reached = try #require(try records(daemon).last?.sequence)
        for segment in try FileManager.default.contentsOfDirectory(atPath: daemon.journal) where segment.hasSuffix(".seg") {
            try FileManager.default.removeItem(atPath: daemon.journal + "/" + segment)
        }

        let verify = try DaemonProcess.meterd(["journal", "verify", "--journal", daemon.journal, "--key", daemon.key])
        #expect(verify.status == 1)
        #expect(verify.output.contains("the journal was rolled back: records 1 to \(reached) are missing"), "\(verify.output)")

        try daemon.start()
        try await Task.sleep(nanoseconds: 2_000_000_000)
        #expect(daemon.stop() == 0, "log:\n\(daemon.log)")
        #expect(daemon.log.contains("<3>journal: the journal was rolled back: records 1 to \(reached) are missing"), "\(daemon.log)")
        let journal = try records(daemon)
        #expect(journal.first?.sequence == reached + 1, "no sequence number is used twice")
        #expect(journal.contains { record in
            if case .journalBreak(let damage) = record.payload { damage.detail.contains("rolled back") } else { false }
        })
    }

    /// Waits up to `seconds` for the metrics textfile to have the line `text`.
    func metricsFile(_ path: String, contains text: String, within seconds: Double) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            if ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").contains(Substring(text)) { return true }
            try? await Task.sleep(nanoseconds: 200_000_000)
        } while Date() < deadline
        return false
    }

    @Test func aStalledPollLoopStopsTheWatchdogPings() async throws {
        let simulator = try ModbusSimulator(units: [1: "eastron-sdm630"])
        defer { simulator.stop() }
        let daemon = try DaemonProcess(configuration: DaemonProcess.simulatorConfiguration(port: simulator.tcpPort!))
        let notify = try NotifySocket()
        let stall = daemon.state.appendingPathComponent("stall").path
        try daemon.start(environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "1000000", "METERD_TEST_STALL_FILE": stall])
        defer { daemon.stop() }
        #expect(notify.receive(until: "WATCHDOG=1", timeout: 15) != nil, "log:\n\(daemon.log)")
        #expect(FileManager.default.createFile(atPath: stall, contents: nil))
        try await Task.sleep(nanoseconds: 1_500_000_000)
        _ = notify.receive(until: "never", timeout: 0.3)  // drain what was sent before the stall took hold
        // Health window: 3 polls of 0.2 s plus a 0.2 s read timeout. No ping for three intervals.
        let during = notify.receive(until: "WATCHDOG=1", timeout: 1.6)
        #expect(during == nil, "the watchdog was pinged while the poll loop was stalled")
        try FileManager.default.removeItem(atPath: stall)
        #expect(notify.receive(until: "WATCHDOG=1", timeout: 5) != nil, "pings did not resume")
    }

    /// SIGHUP: a file with problems changes nothing; the poll interval is applied at once; a bus
    /// setting is named as waiting for a restart; an unchanged file says so. Each reload is
    /// RELOADING=1 … READY=1 for systemd.
    @Test func aReloadAppliesWhatItSafelyCanAndNamesTheRest() async throws {
        let simulator = try ModbusSimulator(units: [1: "eastron-sdm630"])
        defer { simulator.stop() }
        let daemon = try DaemonProcess(configuration: DaemonProcess.simulatorConfiguration(port: simulator.tcpPort!))
        let notify = try NotifySocket()
        try daemon.start(environment: ["NOTIFY_SOCKET": notify.path])
        defer { daemon.stop() }
        #expect(notify.receive(until: "READY=1", timeout: 15) != nil, "log:\n\(daemon.log)")
        let original = try String(contentsOfFile: daemon.configuration, encoding: .utf8)
        func reload(_ text: String, until line: String) async throws -> Bool {
            try text.write(toFile: daemon.configuration, atomically: true, encoding: .utf8)
            kill(daemon.process!.processIdentifier, SIGHUP)
            let notifications = notify.receive(until: "READY=1", timeout: 10) ?? []
            #expect(notifications.contains { $0.contains("RELOADING=1") }, "\(notifications)")
            let deadline = Date().addingTimeInterval(5)
            while Date() < deadline, !daemon.log.contains(line) { try await Task.sleep(nanoseconds: 50_000_000) }
            return daemon.log.contains(line)
        }

        #expect(try await reload(original + "\npoll_intervall = 3\n", until: "reload: the configuration has problems, keeping the running one"))
        #expect(try await reload(original + "\n# a comment only\n", until: "<5>reload: no setting changed"))
        let slower = original.replacingOccurrences(of: "poll_interval_seconds = 0.2", with: "poll_interval_seconds = 1.5")
            .replacingOccurrences(of: "response_timeout_ms = 200", with: "response_timeout_ms = 300")
        #expect(try await reload(slower, until: "<5>reload: applied: poll interval 1.5 s; at the next restart: [buses] (systemctl restart meterd)"),
                "log:\n\(daemon.log)")
        try await Task.sleep(nanoseconds: 4_000_000_000)
        #expect(daemon.stop() == 0)

        let journal = try records(daemon)
        let reloadedAt = try #require(journal.last { if case .configChange = $0.payload { true } else { false } })
        if case .configChange(let change) = reloadedAt.payload {
            #expect(change.summary == "applied: poll interval 1.5 s; at the next restart: [buses]")
        }
        let times = journal.compactMap { record -> Date? in
            if case .reading(let reading) = record.payload, record.time > reloadedAt.time.addingTimeInterval(1.6) { reading.time } else { nil }
        }
        #expect(times.count >= 2, "readings after the reload: \(times.count)")
        #expect(zip(times, times.dropFirst()).allSatisfy { $1.timeIntervalSince($0) > 1.3 }, "\(times)")
    }

    /// A journal whose slots lie on another clock (here: three-second slots, then two-second ones, as a
    /// new agreement or a removed [chain] does) starts a new slot series: said and journaled, slots close
    /// again on the new clock, and SIGTERM is honoured. It used to close every slot of the new clock since
    /// the old index, hundreds of millions, at a full core and gigabytes of memory.
    @Test func aChangedSlotClockStartsANewSeriesAndKeepsTheDaemonResponsive() async throws {
        let simulator = try ModbusSimulator(units: [1: "eastron-sdm630"], extraArguments: ["--load-curve", "5", "--time-scale", "600"])
        defer { simulator.stop() }
        let daemon = try DaemonProcess(configuration: DaemonProcess.simulatorConfiguration(port: simulator.tcpPort!, slotSeconds: 3))
        try daemon.start()
        try await Task.sleep(nanoseconds: 8_000_000_000)
        #expect(daemon.stop(signal: SIGTERM, timeout: 10) == 0, "log:\n\(daemon.log)")
        let before = try records(daemon).filter { if case .slotClosed = $0.payload { true } else { false } }.count
        #expect(before >= 1, "no slot closed on the first clock; log:\n\(daemon.log)")

        try DaemonProcess.simulatorConfiguration(port: simulator.tcpPort!, slotSeconds: 2).replacingOccurrences(of: "[meterd]", with: "[meterd]\nstate_directory = \"\(daemon.state.path)\"")
            .write(toFile: daemon.configuration, atomically: true, encoding: .utf8)
        try daemon.start()
        try await Task.sleep(nanoseconds: 6_000_000_000)
        let resident = try String(contentsOfFile: "/proc/\(daemon.process!.processIdentifier)/status", encoding: .utf8)
            .split(separator: "\n").first { $0.hasPrefix("VmRSS:") }.map { Int($0.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? 0 } ?? 0
        #expect(daemon.stop(signal: SIGTERM, timeout: 10) == 0, "SIGTERM not honoured; log:\n\(daemon.log)")
        #expect(resident < 200_000, "meterd held \(resident) KiB")
        #expect(daemon.log.contains("slot clock changed: the journal's last slot"), "log:\n\(daemon.log)")
        let after = try records(daemon)
        #expect(after.contains { if case .gap(let gap) = $0.payload { gap.reason.contains("a new slot series starts") } else { false } })
        let closed = after.compactMap { record -> SlotClosed? in if case .slotClosed(let slot) = record.payload { slot } else { nil } }
        #expect(closed.count - before >= 1 && closed.count - before <= 6, "slots closed after the change: \(closed.count - before)")
    }

    @Test func aKeyFileOthersCanReadIsRefusedWithTheFix() throws {
        let daemon = try DaemonProcess(configuration: DaemonProcess.simulatorConfiguration(port: 9))
        chmod(daemon.key, 0o644)
        try daemon.start()
        #expect(daemon.stop(signal: 0, timeout: 10) == 1)
        #expect(daemon.log.contains("chmod 600 \(daemon.key)"), "log:\n\(daemon.log)")
    }
}
