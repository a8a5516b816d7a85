@testable import Cutoff
import Drivers
import Testing

@Suite struct CutoffEffectivenessTests {
    static let settings = CutoffEffectiveness.Settings(currentLevel: 2, withinSeconds: 5)

    @Test func currentFallingInTimeIsEffective() {
        var check = CutoffEffectiveness(settings: CutoffEffectivenessTests.settings)
        check.disconnectOrdered(at: Fixtures.start)
        #expect(check.observe(.reading(Fixtures.reading(at: 1, currents: [40, 38, 41]))) == nil)
        guard case .effective? = check.observe(.reading(Fixtures.reading(at: 3, currents: [0.1, 0, 0.2]))) else {
            Issue.record("expected effective"); return
        }
        #expect(!check.alarm && check.orderedAt == nil)
    }

    @Test func currentStillFlowingAfterTheTimeRaisesTheAlarmOnce() {
        var check = CutoffEffectiveness(settings: CutoffEffectivenessTests.settings)
        check.disconnectOrdered(at: Fixtures.start)
        #expect(check.observe(.reading(Fixtures.reading(at: 4, currents: [40, 0, 0]))) == nil)
        guard case .notEffective(let detail)? = check.observe(.reading(Fixtures.reading(at: 6, currents: [0, 12.5, 0]))) else {
            Issue.record("expected the alarm"); return
        }
        #expect(detail.contains("current_l2 12.5 A") && detail.contains("6 s"))
        #expect(check.observe(.reading(Fixtures.reading(at: 7, currents: [0, 12.5, 0]))) == nil)
        #expect(check.alarm)
    }

    @Test func theAuxiliaryContactDecidesWithoutAMeter() {
        var check = CutoffEffectiveness(settings: CutoffEffectiveness.Settings(currentLevel: nil, withinSeconds: 2))
        check.disconnectOrdered(at: Fixtures.start)
        #expect(check.observe(.reading(Fixtures.reading(at: 10, currents: [50]))) == nil)
        guard case .notEffective? = check.observe(.feedback(supplyConnected: true, at: Fixtures.start.addingTimeInterval(3))) else {
            Issue.record("expected the alarm"); return
        }
        guard case .effective? = check.observe(.feedback(supplyConnected: false, at: Fixtures.start.addingTimeInterval(4))) else {
            Issue.record("expected effective"); return
        }
    }

    @Test func theControllerJournalsTheAlarmAndHoldsTheAcknowledgementUntilTheCutIsSeen() throws {
        let connected = DisconnectControl(state: .connected, contract: ContractCutoffState(block: 5, state: .connected))
        let (controller, _, journal) = try Fixtures.controller(connected, effectiveness: CutoffEffectivenessTests.settings)
        try controller.handle(Fixtures.contract(6, .disconnected), at: Fixtures.start)
        #expect(controller.takeChainActions().isEmpty)
        try controller.handle(reading: Fixtures.reading(at: 6, currents: [30, 30, 30]))
        #expect(controller.state.cutoffNotEffective)
        #expect(journal.records.last?.cause.hasPrefix("alarm: cutoff not effective") == true)
        #expect(controller.takeChainActions().isEmpty)
        try controller.handle(reading: Fixtures.reading(at: 9, currents: [0, 0, 0]))
        #expect(!controller.state.cutoffNotEffective)
        #expect(controller.takeChainActions() == [.acknowledgeCutoff(block: 6)])
        #expect(journal.records.map(\.cause.first) == ["r", "a", "a"])
    }

    @Test func withoutObservationTheAcknowledgementGoesAtOnce() throws {
        let (controller, _, _) = try Fixtures.controller(DisconnectControl(state: .connected))
        try controller.handle(Fixtures.contract(6, .disconnected))
        #expect(controller.takeChainActions() == [.acknowledgeCutoff(block: 6)])
    }
}
