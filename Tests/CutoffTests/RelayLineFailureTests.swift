@testable import Cutoff
@testable import Drivers
import Foundation
import Testing

/// A relay line that refuses its first writes: the change stands and is journaled, the failure is
/// journaled, nothing reaches the chain until the line is set, and a retry sets it.
@Suite struct RelayLineFailureTests {
    static let refusal = DriverError.gpio(.systemError(operation: "setting the line value", errno: EIO), address: GPIOLineAddress(chip: "gpiochip0", line: .offset(17)),
                                   message: "setting the line value failed (Input/output error)")

    @Test func aCutoffWhoseLineFailsIsJournaledRetriedAndAcknowledgedOnlyOnceSet() throws {
        let (controller, line, journal) = try Fixtures.controller()
        line.failNextWrites(3, with: Self.refusal)

        #expect(throws: RelayLineNotSet(supplyConnected: false, error: Self.refusal)) {
            try controller.handle(Fixtures.contract(10, .disconnected))
        }
        // Commanded cut, line still at the connected value (wiring: energising cuts), nothing for the chain.
        #expect(controller.state.state == .disconnected)
        #expect(line.values == [false])
        #expect(controller.lineNotSet?.error == Self.refusal)
        #expect(controller.takeChainActions().isEmpty)
        #expect(journal.records.map(\.to) == [.disconnected, .disconnected])
        #expect(journal.records.last?.cause.contains("relay line not set to supply disconnected") == true)

        for _ in 0..<2 {
            #expect(throws: RelayLineNotSet.self) { try controller.retryLine() }
            #expect(controller.takeChainActions().isEmpty)
        }
        try controller.retryLine()
        #expect(line.values == [false, true])
        #expect(controller.lineNotSet == nil)
        #expect(controller.takeChainActions() == [.acknowledgeCutoff(block: 10)])
        #expect(journal.records.last?.cause == "relay line set after a failed write")
        // Nothing more to do once set.
        try controller.retryLine()
        #expect(line.values == [false, true] && journal.records.count == 3)
    }

    @Test func aReconnectionIsConfirmedOnlyOnceTheLineIsSet() throws {
        let cut = DisconnectControl(state: .disconnected, contract: ContractCutoffState(block: 10, state: .disconnected))
        let (controller, line, _) = try Fixtures.controller(cut)
        line.failNextWrites(1, with: Self.refusal)
        #expect(throws: RelayLineNotSet.self) { try controller.handle(Fixtures.contract(12, .readyForReconnection)) }
        #expect(controller.state.supplyConnected)
        #expect(controller.takeChainActions().isEmpty)
        try controller.retryLine()
        #expect(line.current == false)
        #expect(controller.takeChainActions() == [.confirmReconnection(block: 12)])
    }

    @Test func anAcknowledgementIsDroppedWhenTheSupplyIsReconnectedBeforeTheLineWasEverCut() throws {
        let (controller, line, _) = try Fixtures.controller()
        line.failNextWrites(1, with: Self.refusal)
        #expect(throws: RelayLineNotSet.self) { try controller.handle(Fixtures.contract(10, .disconnected)) }
        try controller.handle(Fixtures.contract(12, .readyForReconnection))
        #expect(controller.lineNotSet == nil)
        // The line never left connected; the contract hears of the reconnection only.
        #expect(line.values == [false, false])
        #expect(controller.takeChainActions() == [.confirmReconnection(block: 12)])
    }
}
