import Cutoff
@testable import Drivers
import Testing

/// Events are triggers, the contract's state at a confirmed block is the truth: whatever order,
/// repetition or staleness the reads arrive in, the relay follows only newer blocks.
@Suite struct RemoteStateOrderTests {
    @Test(arguments: 1...200 as ClosedRange<UInt64>)
    func shuffledReplayedAndStaleReadsNeverActuateOutOfOrder(seed: UInt64) throws {
        var random = SplitMix64(state: seed)
        // A history of the contract: one state per block, as the utility and the device moved it.
        let history: [ContractCutoffState] = (1...12).map { block in
            ContractCutoffState(block: UInt64(block), state: [.connected, .disconnected, .readyForReconnection].randomElement(using: &random)!)
        }
        // What the watcher delivers: the reads shuffled, some replayed.
        var deliveries = history.shuffled(using: &random)
        for _ in 0..<6 { deliveries.insert(history.randomElement(using: &random)!, at: Int.random(in: 0...deliveries.count, using: &random)) }

        let (controller, line, journal) = try Fixtures.controller(DisconnectControl(state: .connected), reconnection: .automatic)
        var newest: UInt64 = 0
        for read in deliveries {
            let before = controller.state
            let step = try controller.handle(.contract(read))
            if read.block <= newest {
                // Stale or replayed: nothing changes, nothing is journaled.
                #expect(step.outcome != .applied)
                #expect(controller.state == before)
            } else {
                newest = read.block
                #expect(step.outcome == .applied)
                #expect(controller.state.contract == read)
            }
            // Whatever came before, a cutoff in force at the newest block means the supply is cut.
            if controller.state.contract?.state == .disconnected { #expect(!controller.state.supplyConnected) }
        }
        #expect(controller.state.contract?.block == newest)
        // Every line movement has its journal record.
        #expect(line.values.count - 1 <= journal.records.count)
    }

    @Test func aReorganisedCutoffReadAtAnOlderBlockDoesNotCut() throws {
        let (controller, line, _) = try Fixtures.controller(DisconnectControl(state: .connected))
        try controller.handle(Fixtures.contract(100, .connected))
        // The event of block 98 is seen late (or removed by a reorganisation and replayed).
        let step = try controller.handle(Fixtures.contract(98, .disconnected))
        guard case .ignored(let why) = step.outcome else { Issue.record("expected ignored"); return }
        #expect(why.contains("block 98") && why.contains("nothing actuated"))
        #expect(line.values == [false])
    }
}
