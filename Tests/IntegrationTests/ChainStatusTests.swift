@testable import ChainClient
import Foundation
import Testing

/// The library behind `meterd chain status`, against the development chain.
@Suite struct ChainStatusTests {
    @Test func statusShowsNodeDeviceAgreementAndPendingTransactions() async throws {
        let setup = try await ChainSubmissionTests.Setup(besu: false)
        defer { setup.chain.stop() }
        let store = MemoryStateStore<SenderState>()
        let sender = try setup.sender(store)
        let (first, firstData) = try setup.batch(1, firstSlot: 0, slots: [1000, 100])
        _ = try await sender.submit(first, to: setup.contract, data: firstData)
        _ = try await setup.settle(sender)
        let (second, secondData) = try setup.batch(2, firstSlot: 2, slots: [1000])
        guard case .sent(let hash) = try await sender.submit(second, to: setup.contract, data: secondData) else { Issue.record("not sent"); return }

        let status = await ChainStatus.gather(rpc: setup.chain.rpc, binding: setup.binding, device: setup.chain.device.address, expectedChainID: 1337,
                                              sender: try store.load(), eventCursor: EventCursor(nextBlock: 5), dailyGasBudget: 50_000_000,
                                              now: setup.clock.now)
        #expect(status.healthy)
        let text = status.lines.joined(separator: "\n")
        for expected in ["node:        \(setup.chain.url)", "chain id:    1337", "device:      \(setup.chain.device.address.checksummed)",
                         "agreement \(setup.binding.agreementID): active (accepted by the consumer)",
                         "bonus 49800", "unmeasured slots excused 0 of 0", "last confirmed batch: 2", "cutoff:      connected", "pending:     1 transaction(s)",
                         "batch 2 of agreement \(setup.binding.agreementID): nonce 1, \(Hex.encode(hash))", "events read up to block 4"] {
            #expect(text.contains(expected), "\(expected)\n\(text)")
        }
        #expect(text.contains("balance:     999999.99"))
    }

    @Test func aProposalTheConsumerHasNotAcceptedIsNamed() async throws {
        let chain = try DevChain()
        defer { chain.stop() }
        let contract = try await chain.deploy()
        let id = try await chain.proposeAgreement(contract: contract, periodStart: 0)
        let binding = AgreementBinding(contract: contract, agreementID: id)
        func status() async -> ChainStatus {
            await ChainStatus.gather(rpc: chain.rpc, binding: binding, device: chain.device.address, expectedChainID: chain.chainID,
                                     sender: nil, eventCursor: nil, dailyGasBudget: 1, now: 0)
        }
        let proposed = await status().lines
        #expect(proposed.contains("agreement \(id): proposed, not yet accepted by the consumer: meterd sends no batch until the consumer has accepted it and it is active"),
                "\(proposed)")
        try await chain.acceptAgreement(contract: contract, id: id)
        #expect(await status().lines.contains("agreement \(id): active (accepted by the consumer)"))
    }

    @Test func aWrongChainOrAnotherDeviceIsNamed() async throws {
        let setup = try await ChainSubmissionTests.Setup(besu: true)
        defer { setup.chain.stop() }
        let wrongChain = await ChainStatus.gather(rpc: setup.chain.rpc, binding: setup.binding, device: setup.chain.device.address, expectedChainID: 1,
                                                  sender: nil, eventCursor: nil, dailyGasBudget: 1, now: 0)
        #expect(!wrongChain.healthy)
        #expect(wrongChain.lines.last == "chain id:    1337, but [chain] chain_id is 1: meterd signs nothing for this node (fix rpc_urls or chain_id)")
        let stranger = await ChainStatus.gather(rpc: setup.chain.rpc, binding: setup.binding, device: setup.chain.utility.address, expectedChainID: 1337,
                                                sender: nil, eventCursor: nil, dailyGasBudget: 1, now: 0)
        #expect(!stranger.healthy)
        #expect(stranger.lines.contains { $0.contains("its device is \(setup.chain.device.address.checksummed), not this key") })
        let unreachable = await ChainStatus.gather(rpc: RPCClient(urls: ["http://127.0.0.1:1/"]), binding: setup.binding, device: setup.chain.device.address,
                                                   expectedChainID: 1337, sender: nil, eventCursor: nil, dailyGasBudget: 1, now: 0)
        #expect(unreachable.lines.count == 1 && unreachable.lines[0].contains("cannot connect (Failed to connect to 127.0.0.1 port 1"))
    }
}
