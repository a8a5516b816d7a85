import Cutoff
@testable import Drivers
import Foundation
import Testing
@testable import MeterDaemon

/// `meterd relay open|close|test` without the command line, against a simulated line provider and a
/// real journal in a temporary directory.
@Suite struct CutoffFieldTests {
    static let address = GPIOLineAddress(chip: "gpiochip0", line: .offset(17), activeLow: true)

    struct Site {
        let directory = TemporaryDirectory("relay")
        let provider = SimulatedLineProvider()
        var relay: RelayConfiguration
        var journalDirectory: String { directory.file("journal") }
        var field: RelayField { RelayField(relay: relay, journalDirectory: journalDirectory, provider: provider, user: "alice") }

        init(energised: RelayWiring.Energised = .cuts, reconnection: RemoteReconnection = .local) {
            relay = RelayConfiguration(line: CutoffFieldTests.address, wiring: RelayWiring(energised: energised), remoteReconnection: reconnection,
                                       feedback: nil, button: nil, effectiveness: nil, effectivenessMeter: nil,
                                       requestDirectory: directory.file("requests"))
        }

        /// Journals a state as an earlier daemon would have.
        func journal(_ control: DisconnectControl, cause: String = "earlier") throws {
            let (journal, _) = try Journal.open(directory: journalDirectory, key: JournalFixtures.key, options: JournalFixtures.fastOptions)
            try JournalCutoffRecorder(journal: journal).record(CutoffRecord(from: .connected, to: control.state, cause: cause, control: control), at: Date())
            try journal.close()
        }

        func last() throws -> RelayJournalState? { try RelayJournalState.last(in: JournalReader(directory: journalDirectory)) }
    }

    static let remoteCut = DisconnectControl(state: .disconnected, contract: ContractCutoffState(block: 40, state: .disconnected))

    @Test func openWithoutADaemonDrivesTheLineAndJournalsTheTransition() throws {
        let site = Site()
        defer { site.directory.remove() }
        var heldWith: [[Bool]] = []
        guard case .executed(let step) = try site.field.order(.open, reason: "fuse change", key: JournalFixtures.key, whileHeld: {
            heldWith = site.provider.lines.map(\.values)
        }) else {
            Issue.record("expected execution"); return
        }
        // `--hold` runs while the line is still requested, after it moved.
        #expect(heldWith == [[false, true]])
        #expect(step.after.state == .disconnected && step.after.manualCutoff)
        // Requested at the fail state (connected: line inactive), then energised to cut: one movement.
        #expect(site.provider.lines.map(\.values) == [[false, true]])
        let last = try #require(try site.last())
        #expect(last.control == step.after)
        #expect(last.cause == "local disconnect: meterd relay open: fuse change (by user alice)")
    }

    @Test func closeIsRefusedWhileTheRemoteCutoffIsInForce() throws {
        let site = Site()
        defer { site.directory.remove() }
        try site.journal(CutoffFieldTests.remoteCut)
        #expect {
            _ = try site.field.order(.close, reason: "customer asks", key: JournalFixtures.key)
        } throws: { error in
            guard let error = error as? MeterdError, error.code == .relay(.refused) else { return false }
            return error.description.contains("remote cutoff is in force (contract state disconnected at block 40)")
        }
        // The line was requested with the journaled (cut) value and never moved.
        #expect(site.provider.lines.map(\.values) == [[true]])
        #expect(try site.last()?.control == CutoffFieldTests.remoteCut)
    }

    @Test func closeReconnectsOnceTheUtilityAllowedIt() throws {
        let site = Site()
        defer { site.directory.remove() }
        try site.journal(DisconnectControl(state: .readyForReconnection, contract: ContractCutoffState(block: 41, state: .readyForReconnection),
                                           awaitingLocalReconnection: true))
        guard case .executed(let step) = try site.field.order(.close, reason: "site checked", key: JournalFixtures.key) else {
            Issue.record("expected execution"); return
        }
        #expect(step.after.state == .connected)
        #expect(step.chainActions == [.confirmReconnection(block: 41)])
        #expect(site.provider.lines.map(\.values) == [[true, false]])
    }

    @Test func withTheDaemonRunningOrdersAreLeftForIt() throws {
        let site = Site()
        defer { site.directory.remove() }
        try site.journal(CutoffFieldTests.remoteCut)
        let (daemon, _) = try Journal.open(directory: site.journalDirectory, key: JournalFixtures.key, options: JournalFixtures.fastOptions)
        defer { try? daemon.close() }
        guard case .queued(let file) = try site.field.order(.open, reason: "maintenance", key: JournalFixtures.key) else {
            Issue.record("expected the request to be queued"); return
        }
        #expect(file.hasPrefix(site.relay.requestDirectory))
        // close is judged against the journal even when queued.
        expectMeterdError(\.isRelayError) { _ = try site.field.order(.close, reason: "x", key: JournalFixtures.key) }
        #expect(site.provider.lines.isEmpty)
        let taken = try RelayRequestSpool(directory: site.relay.requestDirectory).take().requests
        #expect(taken.map(\.action) == [.open] && taken.first?.reason == "maintenance" && taken.first?.user == "alice")
        #expect(taken.first?.input == .localDisconnect(reason: "maintenance (by user alice)"))
        #expect(try RelayRequestSpool(directory: site.relay.requestDirectory).take().requests.isEmpty)
    }

    @Test func aFileThatIsNoRequestIsMovedAsideAndNamedNotActedOn() throws {
        let site = Site()
        defer { site.directory.remove() }
        let spool = RelayRequestSpool(directory: site.relay.requestDirectory)
        try spool.submit(RelayRequest(action: .open, reason: "maintenance", requestedAt: JournalFixtures.base, user: "alice"))
        let junk = site.relay.requestDirectory + "/0000000000000000-1.json"
        try Data("{\"action\": \"explode\"}".utf8).write(to: URL(fileURLWithPath: junk))
        let taken = try spool.take()
        #expect(taken.requests.map(\.reason) == ["maintenance"])
        #expect(taken.rejected.count == 1 && taken.rejected.first?.hasPrefix("0000000000000000-1.json: ") == true, "\(taken.rejected)")
        #expect(FileManager.default.fileExists(atPath: junk + ".rejected") && !FileManager.default.fileExists(atPath: junk))
        #expect(try spool.take().requests.isEmpty && spool.take().rejected.isEmpty)
    }

    @Test func testIsRefusedWhileAnotherProcessHoldsTheLine() throws {
        let site = Site()
        defer { site.directory.remove() }
        site.provider.holdElsewhere(true)
        var paused: [Int] = []
        #expect {
            _ = try site.field.test(milliseconds: 500, key: JournalFixtures.key) { paused.append($0) }
        } throws: { error in
            guard let error = error as? MeterdError, error.code == .relay(.lineHeld) else { return false }
            return error.description.contains("is meterd running?") && error.description.contains("stop meterd first")
        }
        #expect(paused.isEmpty)
    }

    @Test func testIsRefusedWhileTheDaemonHoldsTheJournal() throws {
        let site = Site()
        defer { site.directory.remove() }
        let (daemon, _) = try Journal.open(directory: site.journalDirectory, key: JournalFixtures.key, options: JournalFixtures.fastOptions)
        defer { try? daemon.close() }
        expectMeterdError(\.isRelayError) { _ = try site.field.test(milliseconds: 500, key: JournalFixtures.key) { _ in } }
    }

    @Test func testPulsesToDisconnectedAndBackAfterJournalingIt() throws {
        let site = Site(energised: .connects)
        defer { site.directory.remove() }
        try site.journal(DisconnectControl(state: .connected))
        var paused: [Int] = []
        _ = try site.field.test(milliseconds: 500, key: JournalFixtures.key) { paused.append($0) }
        #expect(paused == [500])
        // energising connects: requested active (connected), pulsed inactive, active again.
        #expect(site.provider.lines.map(\.values) == [[true, false, true]])
        #expect(try site.last()?.cause == "relay test: pulse of 500 ms to disconnected and back (by user alice)")
    }

    @Test func testIsRefusedWhileTheSupplyIsCut() throws {
        let site = Site()
        defer { site.directory.remove() }
        try site.journal(DisconnectControl(state: .disconnected, manualCutoff: true), cause: "local disconnect: meterd relay open: x")
        #expect {
            _ = try site.field.test(milliseconds: 500, key: JournalFixtures.key) { _ in }
        } throws: { error in
            (error as? MeterdError)?.code == .relay(.refused) && "\(error)".contains("would reconnect")
        }
        #expect(site.provider.lines.map(\.values) == [[true]])
    }

    @Test func aRestartRequestsTheLineWithTheJournaledStateAndJournalsNothingNew() throws {
        let site = Site()
        defer { site.directory.remove() }
        try site.journal(CutoffFieldTests.remoteCut)
        let (journal, _) = try Journal.open(directory: site.journalDirectory, key: JournalFixtures.key, options: JournalFixtures.fastOptions)
        defer { try? journal.close() }
        let before = journal.head.sequence
        let startup = try RelayStartup.start(site.relay, limiter: nil, journal: journal, contract: ContractCutoffState(block: 45, state: .disconnected),
                                             provider: site.provider)
        #expect(startup.controller.state.remoteCutoffInForce)
        #expect(site.provider.lines.map(\.values) == [[true]])
        let relayRecords = try journal.reader.records(RecordFilter(kinds: [.relayTransition], fromSequence: before + 1))
        #expect(relayRecords.isEmpty)
    }

    @Test func aRestartAfterACutoffOrderedWhileDownCutsAtTheRequestAndJournalsWhy() throws {
        let site = Site()
        defer { site.directory.remove() }
        try site.journal(DisconnectControl(state: .connected, contract: ContractCutoffState(block: 30, state: .connected)))
        let (journal, _) = try Journal.open(directory: site.journalDirectory, key: JournalFixtures.key, options: JournalFixtures.fastOptions)
        defer { try? journal.close() }
        let startup = try RelayStartup.start(site.relay, limiter: nil, journal: journal, contract: ContractCutoffState(block: 35, state: .disconnected),
                                             provider: site.provider)
        #expect(site.provider.lines.map(\.values) == [[true]])
        #expect(startup.reconciliation.chainActions == [.acknowledgeCutoff(block: 35)])
        let last = try #require(try RelayJournalState.last(in: journal.reader))
        #expect(last.cause.hasPrefix("reconciliation at start:") && last.control.remoteCutoffInForce)
    }
}

@Suite struct CutoffStatusTests {
    @Test func statusSaysWhatTheJournalSaysAndWhetherTheDaemonRuns() throws {
        let site = CutoffFieldTests.Site()
        defer { site.directory.remove() }
        let fresh = try RelayStatus.collect(relay: site.relay, journalDirectory: site.journalDirectory)
        #expect(fresh.last == nil && fresh.control.state == .connected && !fresh.daemonRunning)
        try site.journal(CutoffFieldTests.remoteCut, cause: "remote disconnect: contract state disconnected at block 40")
        let (daemon, _) = try Journal.open(directory: site.journalDirectory, key: JournalFixtures.key, options: JournalFixtures.fastOptions)
        defer { try? daemon.close() }
        _ = try site.field.order(.open, reason: "x", key: JournalFixtures.key)
        let status = try RelayStatus.collect(relay: site.relay, journalDirectory: site.journalDirectory)
        #expect(try status.daemonRunning && status.pendingRequests.get() == 1)
        let lines = Dictionary(uniqueKeysWithValues: status.lines(relay: site.relay))
        #expect(lines["state"] == "disconnected" && lines["contract"] == "disconnected at block 40" && lines["cutoffs"] == "remote")
        #expect(lines["last_change"]?.hasSuffix("remote disconnect: contract state disconnected at block 40") == true)
    }

    @Test func requestsThatCannotBeCountedAreSaidNotShownAsNone() throws {
        let site = CutoffFieldTests.Site()
        defer { site.directory.remove() }
        try? FileManager.default.removeItem(atPath: site.relay.requestDirectory)
        try Data("not a directory".utf8).write(to: URL(fileURLWithPath: site.relay.requestDirectory))
        let lines = Dictionary(uniqueKeysWithValues: try RelayStatus.collect(relay: site.relay, journalDirectory: site.journalDirectory).lines(relay: site.relay))
        #expect(lines["pending_requests"] == "unknown (cannot list \(site.relay.requestDirectory): Not a directory)", "\(lines)")
    }
}
