import ChainClient
import Foundation
import Testing

/// The utility's orders reach the watcher as typed events, only from confirmed blocks, and the cursor
/// survives a restart.
@Suite struct ChainEventTests {
    @Test func cutoffReconnectionAndBonusChangesArriveFromConfirmedBlocks() async throws {
        let setup = try await ChainSubmissionTests.Setup(besu: true)
        defer { setup.chain.stop() }
        let id = setup.binding.agreementID
        try await setup.chain.utilityCall(contract: setup.contract, data: DevChain.orderCutoff.encodeCall([.uint(id), .string("grid emergency")]))
        try await setup.chain.utilityCall(contract: setup.contract, data: DevChain.adjustBonus.encodeCall([.uint(id), .int(Int64(-1500)), .string("late report")]))
        try await setup.chain.utilityCall(contract: setup.contract, data: DevChain.allowReconnection.encodeCall([.uint(id)]))
        let store = MemoryStateStore<EventCursor>()
        let watcher = try EventWatcher(rpc: setup.chain.rpc, binding: setup.binding, finality: .depth(1), startBlock: 0, store: store)
        var events: [AgreementEvent] = []
        try await watcher.poll { events.append($0.event) }
        // The last call's block is not yet one block deep.
        #expect(events.contains(.cutoffOrdered(reason: "grid emergency")))
        #expect(events.contains(.bonusAdjusted(delta: -1500, bonus: 48_500, reason: "late report")))
        #expect(!events.contains(.reconnectionAllowed))
        try await setup.chain.mine()
        // A new watcher on the same cursor (a restart) delivers only what is new.
        let restarted = try EventWatcher(rpc: setup.chain.rpc, binding: setup.binding, finality: .depth(1), startBlock: 0, store: store)
        var later: [AgreementEvent] = []
        try await restarted.poll { later.append($0.event) }
        #expect(later == [.reconnectionAllowed])
        let state = try await setup.binding.agreement(rpc: setup.chain.rpc)
        #expect(state.controlState == 2 && state.bonus == 48_500)
        let head = try await setup.chain.rpc.blockNumber()
        let all = try await watcher.events(from: 0, to: head)
        #expect(all.map(\.event.name) == ["AgreementProposed", "AgreementAccepted", "PeriodOpened", "CutoffOrdered", "BonusAdjusted", "ReconnectionAllowed"])
    }

    /// While nothing happens a check is one eth_blockNumber; a new block adds the reorganisation check,
    /// its logs and its header (counted by the recording proxy).
    @Test func anIdleChainCostsOneCallPerCheck() async throws {
        let setup = try await ChainSubmissionTests.Setup(besu: true)
        defer { setup.chain.stop() }
        let proxy = try RPCProxy(upstream: setup.chain.url)
        defer { proxy.stop() }
        let watcher = try EventWatcher(rpc: RPCClient(urls: [proxy.url]), binding: setup.binding, finality: .depth(0), startBlock: 0,
                                       store: MemoryStateStore<EventCursor>())
        try await watcher.poll { _ in }
        let caughtUp = proxy.calls.count
        for _ in 0..<10 { #expect(try await watcher.poll { _ in } == 0) }
        #expect(Array(proxy.calls.dropFirst(caughtUp)) == Array(repeating: "eth_blockNumber", count: 10))
        try await setup.chain.utilityCall(contract: setup.contract, data: DevChain.orderCutoff.encodeCall([.uint(setup.binding.agreementID), .string("test")]))
        var events: [AgreementEvent] = []
        let before = proxy.calls.count
        try await watcher.poll { events.append($0.event) }
        #expect(events == [.cutoffOrdered(reason: "test")])
        #expect(Array(proxy.calls.dropFirst(before)) == ["eth_blockNumber", "eth_getBlockByNumber", "eth_getLogs", "eth_getBlockByNumber"])
    }
}
