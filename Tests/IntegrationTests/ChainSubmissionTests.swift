@testable import ChainClient
import Foundation
import Testing

/// The whole device path against the development chain, in both network profiles: deploy, create an
/// agreement, submit batches, read receipts, state and events, bonus as the contract computes it.
@Suite struct ChainSubmissionTests {
    /// A clock the test moves by hand (no sleeping, no timed assertions).
    final class ManualClock: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Double
        init(_ start: Double = 1_800_000_000) { value = start }
        var now: Double { lock.withLock { value } }
        func advance(_ seconds: Double) { lock.withLock { value += seconds } }
    }

    struct Setup {
        let chain: DevChain
        let contract: Address
        let binding: AgreementBinding
        let clock = ManualClock()

        init(besu: Bool, blockTime: Double? = nil) async throws {
            chain = try DevChain(besu: besu, blockTime: blockTime)
            if blockTime != nil {
                // Deploying needs mined blocks; with a long block time the test mines them itself.
                chain.autoMineWhileWaiting = true
            }
            contract = try await chain.deploy()
            let latest = try await chain.rpc.block(.latest)!
            // Period 0 began a day ago, so its 96 quarter hours have ended and may be submitted.
            let id = try await chain.createAgreement(contract: contract, periodStart: latest.timestamp - 96 * 900)
            binding = AgreementBinding(contract: contract, agreementID: id)
        }

        func settings(confirmations: UInt64 = 0, chainID: UInt64? = nil, replaceAfter: Double = 180) -> TransactionSender.Settings {
            let fees = FeePolicy(profile: chain.besu ? .besu : .ethereum, ceilingPerGas: 100_000_000_000, dailyGasBudget: 50_000_000)
            return TransactionSender.Settings(chainID: chainID ?? chain.chainID, fees: fees, confirmations: confirmations,
                                              replaceAfterSeconds: replaceAfter)
        }

        func sender(_ store: any StateStore<SenderState> = MemoryStateStore<SenderState>(), confirmations: UInt64 = 0, chainID: UInt64? = nil,
                    replaceAfter: Double = 180, rpc: RPCClient? = nil) throws -> TransactionSender {
            let rpc = rpc ?? chain.rpc
            let clock = self.clock
            return try TransactionSender(rpc: rpc, key: chain.device, settings: settings(confirmations: confirmations, chainID: chainID, replaceAfter: replaceAfter),
                                         store: store, completion: BatchCompletionCheck(binding: binding, rpc: rpc), clock: { clock.now })
        }

        func batch(_ seq: UInt64, firstSlot: UInt64, slots: [UInt32]) throws -> (TransactionIntent, [UInt8]) {
            (.batch(agreementID: binding.agreementID, batchSeq: seq),
             try binding.submitBatchCall(batchSeq: seq, firstSlot: firstSlot, slots: slots, journalHead: Keccak256.hash([UInt8(seq)])))
        }

        /// Batch 1 (slot 0) sent by `sender` and settled: where the tests of later batches start.
        func settleFirstBatch(_ sender: TransactionSender, mining: Bool = false) async throws {
            let (first, firstData) = try batch(1, firstSlot: 0, slots: [1000])
            _ = try await sender.submit(first, to: contract, data: firstData)
            _ = try await settle(sender, mining: mining)
        }

        /// Polls until every pending transaction ended (each poll is one step of the lifecycle).
        func settle(_ sender: TransactionSender, mining: Bool = false, limit: Int = 50) async throws -> [TransactionOutcome] {
            var outcomes: [TransactionOutcome] = []
            for _ in 0..<limit {
                outcomes += try await sender.poll()
                if await sender.pending.isEmpty { return outcomes }
                if mining { try await chain.mine() }
            }
            Issue.record("transactions still pending after \(limit) polls: \(await sender.pending.map(\.intent))")
            return outcomes
        }
    }

    @Test(arguments: [false, true])
    func batchesAreSubmittedConfirmedAndPenalisedAsTheContractComputes(besu: Bool) async throws {
        let setup = try await Setup(besu: besu)
        defer { setup.chain.stop() }
        let sender = try setup.sender(confirmations: 1)
        let (first, firstData) = try setup.batch(1, firstSlot: 0, slots: Array(repeating: 1000, count: 8))
        // Slots 8..15: two outside [500, 4000], one unmeasured (penalised): 3 × 200 off the bonus.
        let (second, secondData) = try setup.batch(2, firstSlot: 8, slots: [1000, 100, 5000, AgreementBinding.unmeasured, 700, 800, 900, 1000])
        guard case .sent = try await sender.submit(first, to: setup.contract, data: firstData) else { Issue.record("not sent"); return }
        guard case .sent = try await sender.submit(second, to: setup.contract, data: secondData) else { Issue.record("not sent"); return }
        let expectedFee: Bool = await sender.pending.allSatisfy {
            if case .legacy(let price) = $0.signed.transaction.fee { return besu && price == 0 }
            return !besu
        }
        #expect(expectedFee, "Besu sends legacy transactions at gas price 0, Ethereum EIP-1559")
        let outcomes = try await setup.settle(sender, mining: true)
        #expect(outcomes.count == 2)
        for outcome in outcomes {
            guard case .confirmed = outcome else { Issue.record("\(outcome)"); continue }
        }
        let state = try await setup.binding.agreement(rpc: setup.chain.rpc)
        #expect(state.lastBatchSeq == 2 && state.nextSlot == 16)
        #expect(state.bonus == 50_000 - 3 * 200)
        let device = try await setup.binding.deviceState(rpc: setup.chain.rpc)
        #expect(device.device == setup.chain.device.address && device.controlState == 1)

        let store = MemoryStateStore<EventCursor>()
        let watcher = try EventWatcher(rpc: setup.chain.rpc, binding: setup.binding, finality: .depth(0), startBlock: 0, store: store)
        var events: [AgreementEvent] = []
        try await watcher.poll { events.append($0.event) }
        let batches = events.compactMap { event -> (UInt64, UInt64, UInt128)? in
            if case .batchSubmitted(let seq, _, _, let violations, _, let bonus, _) = event { return (seq, violations, bonus) }
            return nil
        }
        #expect(batches.map(\.0) == [1, 2])
        #expect(batches.map(\.1) == [0, 2])
        #expect(batches.last?.2 == 49_400)
        #expect(events.contains(.periodOpened(period: 0, firstSlot: 0, bonus: 50_000)))
    }

    /// The binding's copies of the contract's constants, read from the deployed contract.
    @Test func theBindingsLimitsAreTheContracts() async throws {
        let setup = try await Setup(besu: false)
        defer { setup.chain.stop() }
        func constant(_ name: String) async throws -> UInt64 {
            let view = ABIFunction(name: name, inputs: [], outputs: [.uint(256)])
            let answer = try await setup.chain.rpc.call(to: setup.contract, data: try view.encodeCall([]))
            return try view.decodeOutput(answer)[0].word().unsigned()
        }
        #expect(try await constant("UNMEASURED") == UInt64(AgreementBinding.unmeasured))
        #expect(try await constant("MAX_BATCH_SLOTS") == UInt64(AgreementBinding.maximumBatchSlots))
    }
}
