@testable import Cutoff
import Drivers
import Testing

/// Each start-up case of docs/cutoff.md with the state that must result.
@Suite struct ReconciliationTests {
    static let cuts = RelayWiring(energised: .cuts)        // fail state: connected
    static let connects = RelayWiring(energised: .connects) // fail state: cut

    func reconcile(_ journaled: DisconnectControl?, contract: ContractCutoffState? = nil, observed: Bool? = nil,
                   wiring: RelayWiring = cuts, reconnection: RemoteReconnection = .automatic) -> Reconciliation.Result {
        Reconciliation.reconcile(journaled: journaled, contract: contract, observedSupplyConnected: observed, wiring: wiring, reconnection: reconnection)
    }

    @Test func journalAndContractAgreeNothingIsJournaled() {
        let journaled = DisconnectControl(state: .connected, contract: ContractCutoffState(block: 10, state: .connected))
        let result = reconcile(journaled, contract: ContractCutoffState(block: 12, state: .connected), observed: true)
        #expect(result.control.state == .connected && result.record == nil && result.findings.isEmpty)
    }

    @Test func aCutoffOrderedWhileMeterdWasDownIsExecuted() {
        let journaled = DisconnectControl(state: .connected, contract: ContractCutoffState(block: 10, state: .connected))
        let result = reconcile(journaled, contract: ContractCutoffState(block: 12, state: .disconnected))
        #expect(result.control.state == .disconnected)
        #expect(result.record?.cause.hasPrefix("reconciliation at start:") == true)
        #expect(result.chainActions == [.acknowledgeCutoff(block: 12)])
    }

    @Test func aReconnectionAllowedWhileDownFollowsTheMode() {
        let journaled = DisconnectControl(state: .disconnected, contract: ContractCutoffState(block: 10, state: .disconnected))
        let allowed = ContractCutoffState(block: 12, state: .readyForReconnection)
        #expect(reconcile(journaled, contract: allowed, reconnection: .automatic).control.state == .connected)
        #expect(reconcile(journaled, contract: allowed, reconnection: .local).control.state == .readyForReconnection)
    }

    @Test func aContractBehindTheJournalIsIgnored() {
        let journaled = DisconnectControl(state: .disconnected, contract: ContractCutoffState(block: 20, state: .disconnected))
        let result = reconcile(journaled, contract: ContractCutoffState(block: 15, state: .connected))
        #expect(result.control == journaled)
        #expect(result.findings.contains { $0.contains("behind the journal") })
        #expect(result.record != nil)
    }

    @Test func contractConnectedDuringTheJournaledCutoffIsDoubt() {
        let journaled = DisconnectControl(state: .disconnected, contract: ContractCutoffState(block: 20, state: .disconnected))
        let result = reconcile(journaled, contract: ContractCutoffState(block: 25, state: .connected), reconnection: .automatic)
        #expect(result.control.state == .readyForReconnection)
    }

    @Test func unreachableChainKeepsTheJournalsState() {
        let journaled = DisconnectControl(state: .disconnected, limiterCutoff: true)
        let result = reconcile(journaled)
        #expect(result.control == journaled && result.record == nil)
        #expect(result.findings.first?.hasPrefix("contract not reachable") == true)
    }

    @Test func noJournalRecordStartsInTheFailState() {
        #expect(reconcile(nil, wiring: ReconciliationTests.cuts).control.state == .connected)
        let cut = reconcile(nil, wiring: ReconciliationTests.connects)
        #expect(cut.control.state == .readyForReconnection && !cut.control.supplyConnected)
        #expect(cut.record != nil)
    }

    @Test func supplyObservedCutWhereTheFailStateIsConnectedIsDoubt() {
        let journaled = DisconnectControl(state: .connected)
        #expect(reconcile(journaled, observed: false, wiring: ReconciliationTests.cuts).control.state == .readyForReconnection)
        // With the fail state cut, a cut supply is what the released line gives: no doubt.
        #expect(reconcile(journaled, observed: false, wiring: ReconciliationTests.connects).control.state == .connected)
    }

    @Test func supplyObservedLiveWhileCommandedCutIsRecordedAndStaysCut() {
        let journaled = DisconnectControl(state: .disconnected, manualCutoff: true)
        let result = reconcile(journaled, observed: true)
        #expect(result.control.state == .disconnected)
        #expect(result.findings.contains { $0.contains("observed connected") })
        #expect(result.record != nil)
    }

    @Test func theLineIsRequestedWithTheReconciledValueSoItNeverChatters() throws {
        for wiring in [ReconciliationTests.cuts, ReconciliationTests.connects] {
            for state in [DisconnectControl(state: .connected), DisconnectControl(state: .disconnected, manualCutoff: true)] {
                let result = reconcile(state, wiring: wiring)
                let (controller, line, _) = try Fixtures.controller(result.control, wiring: wiring)
                #expect(line.values == [wiring.lineActive(supplyConnected: state.supplyConnected)])
                #expect(controller.state == state)
            }
        }
    }
}
