@testable import Cutoff
import Drivers
import Testing

/// The whole transition table of docs/cutoff.md, cause by cause, through the controller and a
/// simulated line wired so energising cuts (line true = supply cut).
@Suite struct DisconnectControlTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var start: DisconnectControl
        var input: CutoffInput
        var reconnection: RemoteReconnection = .automatic
        var expected: DisconnectControlState
        var outcome: Outcome
        var chain: [ChainAction] = []
        var testDescription: String { name }
    }

    enum Outcome: Sendable, Equatable { case recorded, ignored, refused }

    static let connected = DisconnectControl(state: .connected, contract: ContractCutoffState(block: 10, state: .connected))
    static let remoteCut = DisconnectControl(state: .disconnected, contract: ContractCutoffState(block: 10, state: .disconnected))
    static let manualCut = DisconnectControl(state: .disconnected, contract: ContractCutoffState(block: 10, state: .connected), manualCutoff: true)
    static let limiterCut = DisconnectControl(state: .disconnected, contract: ContractCutoffState(block: 10, state: .connected), limiterCutoff: true)
    static let ready = DisconnectControl(state: .readyForReconnection, contract: ContractCutoffState(block: 11, state: .readyForReconnection),
                                         awaitingLocalReconnection: true)
    static let remoteAndLimiter = DisconnectControl(state: .disconnected, contract: ContractCutoffState(block: 10, state: .disconnected), limiterCutoff: true)
    static let trip = LimiterTrip(monitored: "total active power", value: 60_000, threshold: 50_000, unit: "W", emergency: false, overSeconds: 30)

    static let rows: [Row] = [
        Row(name: "remote disconnect from connected", start: connected, input: Fixtures.contract(11, .disconnected),
            expected: .disconnected, outcome: .recorded, chain: [.acknowledgeCutoff(block: 11)]),
        Row(name: "remote disconnect over a manual cutoff", start: manualCut, input: Fixtures.contract(11, .disconnected),
            expected: .disconnected, outcome: .recorded, chain: [.acknowledgeCutoff(block: 11)]),
        Row(name: "remote reconnect, automatic mode", start: remoteCut, input: Fixtures.contract(11, .readyForReconnection),
            expected: .connected, outcome: .recorded, chain: [.confirmReconnection(block: 11)]),
        Row(name: "remote reconnect, local mode", start: remoteCut, input: Fixtures.contract(11, .readyForReconnection), reconnection: .local,
            expected: .readyForReconnection, outcome: .recorded),
        Row(name: "contract connected during its own cutoff is doubt", start: remoteCut, input: Fixtures.contract(11, .connected),
            expected: .readyForReconnection, outcome: .recorded),
        Row(name: "remote reconnect while the limiter holds", start: remoteAndLimiter, input: Fixtures.contract(11, .readyForReconnection),
            expected: .disconnected, outcome: .recorded),
        Row(name: "local reconnect by the button from ready", start: ready, input: .localReconnect(.button),
            expected: .connected, outcome: .recorded, chain: [.confirmReconnection(block: 11)]),
        Row(name: "local reconnect by command from ready", start: ready, input: .localReconnect(.command(reason: "site checked")),
            expected: .connected, outcome: .recorded, chain: [.confirmReconnection(block: 11)]),
        Row(name: "local reconnect refused during a remote cutoff", start: remoteCut, input: .localReconnect(.command(reason: "x")),
            expected: .disconnected, outcome: .refused),
        Row(name: "button refused during a remote cutoff", start: remoteCut, input: .localReconnect(.button),
            expected: .disconnected, outcome: .refused),
        Row(name: "local disconnect by command", start: connected, input: .localDisconnect(reason: "maintenance"),
            expected: .disconnected, outcome: .recorded),
        Row(name: "local disconnect from ready", start: ready, input: .localDisconnect(reason: "maintenance"),
            expected: .disconnected, outcome: .recorded),
        Row(name: "local reconnect after a manual cutoff", start: manualCut, input: .localReconnect(.command(reason: "done")),
            expected: .connected, outcome: .recorded),
        Row(name: "limiter trip", start: connected, input: .limiterTrip(trip), expected: .disconnected, outcome: .recorded,
            chain: [.reportEmergencyShutdown]),
        Row(name: "limiter trip on a site without a chain", start: DisconnectControl(state: .connected), input: .limiterTrip(trip),
            expected: .disconnected, outcome: .recorded),
        Row(name: "limiter clears automatically", start: limiterCut, input: .limiterCleared(LimiterClear(underSeconds: 60)),
            expected: .connected, outcome: .recorded),
        Row(name: "limiter clear keeps a manual cutoff", start: DisconnectControl(state: .disconnected, manualCutoff: true, limiterCutoff: true),
            input: .limiterCleared(LimiterClear(underSeconds: 60)), expected: .disconnected, outcome: .recorded),
        Row(name: "button after a limiter trip", start: limiterCut, input: .localReconnect(.button), expected: .connected, outcome: .recorded),
        Row(name: "limiter clear without a trip", start: connected, input: .limiterCleared(LimiterClear(underSeconds: 60)),
            expected: .connected, outcome: .ignored),
        Row(name: "replayed contract state (same block)", start: remoteCut, input: Fixtures.contract(10, .readyForReconnection),
            expected: .disconnected, outcome: .ignored),
        Row(name: "out-of-order contract state (older block)", start: connected, input: Fixtures.contract(9, .disconnected),
            expected: .connected, outcome: .ignored),
    ]

    @Test(arguments: rows)
    func transition(_ row: Row) throws {
        let (controller, line, journal) = try Fixtures.controller(row.start, reconnection: row.reconnection)
        let step = try controller.handle(row.input, at: Fixtures.start)
        #expect(controller.state.state == row.expected)
        #expect(step.after == controller.state)
        switch row.outcome {
        case .recorded:
            #expect(step.outcome == .applied)
            #expect(journal.records.count == 1)
            #expect(journal.records.first?.control == controller.state)
            #expect(journal.records.first?.cause == step.cause.description)
        case .ignored:
            guard case .ignored = step.outcome else { Issue.record("expected ignored, got \(step.outcome)"); return }
            #expect(journal.records.isEmpty)
        case .refused:
            guard case .refused(let why) = step.outcome else { Issue.record("expected refused, got \(step.outcome)"); return }
            #expect(why.contains("remote cutoff is in force"))
            #expect(journal.records.isEmpty)
        }
        // The line moved exactly when the commanded supply changed, once, and never without a record.
        let expectedValues = row.start.supplyConnected == controller.state.supplyConnected
            ? [!row.start.supplyConnected] : [!row.start.supplyConnected, !controller.state.supplyConnected]
        #expect(line.values == expectedValues)
        #expect(line.values.count - 1 <= journal.records.count)
        #expect(controller.takeChainActions() == row.chain)
    }

    @Test func causesNameTheirSource() {
        let remote = DisconnectControlTests.connected.applying(Fixtures.contract(12, .disconnected), reconnection: .automatic)
        #expect(remote.record?.cause == "remote disconnect: contract state disconnected at block 12")
        let limiter = DisconnectControlTests.connected.applying(.limiterTrip(DisconnectControlTests.trip), reconnection: .automatic)
        #expect(limiter.record?.cause == "local disconnect: limiter trip: total active power 60000 W over 50000 W for 30 s")
        let manual = DisconnectControlTests.connected.applying(.localDisconnect(reason: "fuse change"), reconnection: .automatic)
        #expect(manual.record?.cause == "local disconnect: meterd relay open: fuse change")
    }

    @Test func aNewerBlockWithTheSameContractStateIsNotJournaled() throws {
        let (controller, line, journal) = try Fixtures.controller(DisconnectControlTests.connected)
        try controller.handle(Fixtures.contract(20, .connected))
        try controller.handle(Fixtures.contract(21, .connected))
        #expect(journal.records.isEmpty)
        #expect(line.values == [false])
        #expect(controller.state.contract?.block == 21)
        // A stale read after those is still refused by block.
        let stale = try controller.handle(Fixtures.contract(15, .disconnected))
        #expect(stale.outcome != .applied)
        #expect(controller.state.supplyConnected)
    }

    @Test func aReconnectionIsJournaledBeforeTheLineMoves() throws {
        let (controller, line, journal) = try Fixtures.controller(DisconnectControlTests.manualCut)
        journal.fail(true)
        #expect(throws: RecordingJournal.Failure.self) { try controller.handle(.localReconnect(.command(reason: "done"))) }
        #expect(line.values == [true])
        #expect(controller.state == DisconnectControlTests.manualCut)
    }

    @Test func aDisconnectCutsEvenWhenTheJournalFails() throws {
        let (controller, line, journal) = try Fixtures.controller(DisconnectControlTests.connected)
        journal.fail(true)
        #expect(throws: RecordingJournal.Failure.self) { try controller.handle(.localDisconnect(reason: "smoke")) }
        #expect(line.values == [false, true])
        #expect(controller.state.state == .disconnected)
    }
}
