@testable import ChainClient
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

    /// While nothing happens a check is one eth_blockNumber; with new blocks, however many, one
    /// eth_getLogs more over all of them (counted by the recording proxy). No header is read.
    @Test func aCheckCostsOneCallIdleAndTwoWithNewBlocks() async throws {
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
        try await setup.chain.mine(blocks: 4)
        var events: [AgreementEvent] = []
        let before = proxy.calls.count
        try await watcher.poll { events.append($0.event) }
        #expect(events == [.cutoffOrdered(reason: "test")])
        #expect(Array(proxy.calls.dropFirst(before)) == ["eth_blockNumber", "eth_getLogs"], "five new blocks, one range")
    }

    /// A day's batch in steady state (the chain id, the nonce and the gas limit known from the first):
    /// the fee, the send, the receipt, the head until the confirmations are there, the receipt again.
    @Test func aDailyBatchCostsItsFeeItsSendAndItsReceiptPolls() async throws {
        let setup = try await ChainSubmissionTests.Setup(besu: false)
        defer { setup.chain.stop() }
        let proxy = try RPCProxy(upstream: setup.chain.url)
        defer { proxy.stop() }
        let sender = try setup.sender(confirmations: 2, rpc: RPCClient(urls: [proxy.url]))
        try await setup.settleFirstBatch(sender, mining: true)
        setup.clock.advance(86_400)
        let before = proxy.calls.count
        let (intent, data) = try setup.batch(2, firstSlot: 1, slots: [1000])
        _ = try await sender.submit(intent, to: setup.contract, data: data)
        #expect(try await sender.poll().isEmpty, "mined, not yet two blocks deep")
        try await setup.chain.mine(blocks: 2)
        let outcomes = try await sender.poll()
        #expect(outcomes.count == 1)
        let calls = Array(proxy.calls.dropFirst(before))
        #expect(calls == ["eth_feeHistory", "eth_sendRawTransaction", "eth_getTransactionReceipt", "eth_blockNumber",
                          "eth_blockNumber", "eth_getTransactionReceipt"])
    }
}
