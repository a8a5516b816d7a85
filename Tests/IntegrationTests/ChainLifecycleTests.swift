@testable import ChainClient
import Foundation
import Testing

/// The transaction lifecycle's faults against the development chain: wrong chain, restarts, lost state,
/// nonce conflicts, underpriced and stuck transactions, reverts with reasons, a reorganisation that
/// drops a receipt, fee ceiling and budget. Each ends in a clear state: nothing lost, nothing doubled.
@Suite struct ChainLifecycleTests {
    typealias Setup = ChainSubmissionTests.Setup

    func lastBatch(_ setup: Setup) async throws -> UInt64 {
        try await setup.binding.deviceState(rpc: setup.chain.rpc).lastBatchSeq
    }

    @Test func aNodeOfAnotherChainGetsNothingSigned() async throws {
        let setup = try await Setup(besu: false)
        defer { setup.chain.stop() }
        let store = MemoryStateStore<SenderState>()
        let sender = try setup.sender(store, chainID: 1)
        let (intent, data) = try setup.batch(1, firstSlot: 0, slots: [1000])
        do {
            _ = try await sender.submit(intent, to: setup.contract, data: data)
            Issue.record("signed for the wrong chain")
        } catch let error as ChainClientError {
            guard case .wrongChain(let url, let expected, let actual) = error.code else { throw error }
            #expect(url == setup.chain.url && expected == 1 && actual == 1337)
        }
        #expect(try await setup.chain.rpc.transactionCount(of: setup.chain.device.address) == 0)
        #expect(try store.load() == nil)
    }

    @Test func aCrashBetweenPersistingAndSendingLosesAndDuplicatesNothing() async throws {
        let setup = try await Setup(besu: false)
        defer { setup.chain.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("meterd-chain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("transactions.json").path
        let cut = RPCClient(endpoints: [FlakyTransport(url: setup.chain.url, failing: ["eth_sendRawTransaction"])])
        let before = try setup.sender(FileStateStore<SenderState>(path: path), rpc: cut)
        let (intent, data) = try setup.batch(1, firstSlot: 0, slots: [1000, 2000])
        guard case .sent(let hash) = try await before.submit(intent, to: setup.contract, data: data) else { Issue.record("not sent"); return }
        #expect(try await setup.chain.rpc.receipt(of: hash) == nil)
        // The process dies here. The next one reads the same file.
        let after = try setup.sender(FileStateStore<SenderState>(path: path))
        #expect(await after.pending.map(\.intent) == [intent])
        #expect(try await after.submit(intent, to: setup.contract, data: data) == .alreadyPending(hash: hash))
        let outcomes = try await setup.settle(after)
        #expect(outcomes.count == 1)
        guard case .confirmed(intent, hash, _, _)? = outcomes.first else { Issue.record("\(outcomes)"); return }
        #expect(try await lastBatch(setup) == 1)
        #expect(try FileStateStore<SenderState>(path: path).load()?.pending.isEmpty == true)
    }

    /// The development chain answers a byte-identical resend of a pooled transaction with "replacement
    /// transaction underpriced" (geth: "already known"): the restarted sender finds its own transaction
    /// pooled and keeps its nonce instead of signing the batch again under a new one.
    @Test func aRestartThatResendsAPooledTransactionKeepsItsNonce() async throws {
        let setup = try await Setup(besu: false, blockTime: 1000)
        defer { setup.chain.stop() }
        let store = MemoryStateStore<SenderState>()
        let before = try setup.sender(store)
        let (intent, data) = try setup.batch(1, firstSlot: 0, slots: [1000])
        guard case .sent(let hash) = try await before.submit(intent, to: setup.contract, data: data) else { Issue.record("not sent"); return }
        // The process dies here; the next one sends its persisted transaction again.
        let after = try setup.sender(store)
        #expect(try await after.poll().isEmpty)
        #expect(await after.pending.map(\.signed.hash) == [hash], "the same transaction, not a new one")
        #expect(await after.nextNonce == 1)
        #expect(await after.pending.first?.accepted == true)
        let outcomes = try await setup.settle(after, mining: true)
        guard outcomes.count == 1, case .confirmed(intent, hash, _, _) = outcomes[0] else { Issue.record("\(outcomes)"); return }
        #expect(try await setup.chain.rpc.transactionCount(of: setup.chain.device.address) == 1)
    }

    /// A nonce taken by another transaction while the contract already has the batch: nothing is sent again.
    @Test func aTakenNonceOfABatchTheContractHasSendsNothingAgain() async throws {
        let setup = try await Setup(besu: false, blockTime: 1000)
        defer { setup.chain.stop() }
        let store = MemoryStateStore<SenderState>()
        let lost = try setup.sender(store, rpc: RPCClient(endpoints: [FlakyTransport(url: setup.chain.url, failing: ["eth_sendRawTransaction"])]))
        let (intent, data) = try setup.batch(1, firstSlot: 0, slots: [1000])
        guard case .sent = try await lost.submit(intent, to: setup.contract, data: data) else { Issue.record("not sent"); return }
        // Another copy of meterd with the same key (a restored backup) delivered batch 1 under nonce 0.
        let other = try setup.sender()
        let (_, otherData) = try setup.batch(1, firstSlot: 0, slots: [1200])
        _ = try await other.submit(intent, to: setup.contract, data: otherData)
        #expect(try await setup.settle(other, mining: true).count == 1)
        let after = try setup.sender(store)
        #expect(try await after.poll() == [.alreadyDone(intent)])
        #expect(await after.pending.isEmpty)
        try await setup.chain.mine()
        #expect(try await setup.chain.rpc.transactionCount(of: setup.chain.device.address) == 1, "no second transaction")
    }

    @Test func aBatchTheContractAlreadyHasCountsAsDone() async throws {
        let setup = try await Setup(besu: true)
        defer { setup.chain.stop() }
        let sender = try setup.sender()
        let (intent, data) = try setup.batch(1, firstSlot: 0, slots: [1000])
        // Two submits of the same batch at once: one transaction.
        async let one = sender.submit(intent, to: setup.contract, data: data)
        async let other = sender.submit(intent, to: setup.contract, data: data)
        let both = try await [one, other]
        #expect(both.filter { if case .sent = $0 { return true }; return false }.count == 1)
        #expect(both.filter { if case .alreadyPending = $0 { return true }; return false }.count == 1)
        _ = try await setup.settle(sender)
        // State lost (a fresh store): the estimate reverts, the contract is asked, nothing is sent.
        let amnesiac = try setup.sender()
        let nonce = try await setup.chain.rpc.transactionCount(of: setup.chain.device.address)
        #expect(try await amnesiac.submit(intent, to: setup.contract, data: data) == .alreadyDone)
        #expect(try await setup.chain.rpc.transactionCount(of: setup.chain.device.address) == nonce)
        // With the gas limit known the retry is sent, reverts on chain, and still counts as done.
        #expect(try await sender.submit(intent, to: setup.contract, data: data) != .alreadyDone)
        #expect(try await setup.settle(sender) == [.alreadyDone(intent)])
        #expect(try await lastBatch(setup) == 1)
    }

    @Test func revertsCarryTheContractsReason() async throws {
        let setup = try await Setup(besu: false)
        defer { setup.chain.stop() }
        let sender = try setup.sender()
        try await setup.settleFirstBatch(sender)
        // Slot 5 is not the contract's next slot (1): refused before sending when the gas is estimated…
        let (gap, gapData) = try setup.batch(2, firstSlot: 5, slots: [1000])
        do {
            _ = try await setup.sender().submit(gap, to: setup.contract, data: gapData)
            Issue.record("a gap was sent")
        } catch let error as ChainClientError {
            guard case .wouldRevert(let intent, let reason) = error.code else { throw error }
            #expect(intent == gap && reason.hasPrefix("agreements:"), "\(reason)")
        }
        // …and reported with its reason when it reverts on chain (the sender reused a known gas limit).
        _ = try await sender.submit(gap, to: setup.contract, data: gapData)
        let outcomes = try await setup.settle(sender)
        guard case .reverted(gap, _, let reason)? = outcomes.first else { Issue.record("\(outcomes)"); return }
        #expect(reason.hasPrefix("agreements:"), "\(reason)")
        #expect(try await lastBatch(setup) == 1)
    }

    @Test func aNonceTakenBehindMeterdsBackIsResynchronised() async throws {
        let setup = try await Setup(besu: false)
        defer { setup.chain.stop() }
        let sender = try setup.sender()
        try await setup.settleFirstBatch(sender)
        // Someone else signs with the device key and takes nonce 1.
        try await sendAsDevice(setup, nonce: 1, maxFee: 10_000_000_000)
        let (second, secondData) = try setup.batch(2, firstSlot: 1, slots: [1000])
        guard case .sent = try await sender.submit(second, to: setup.contract, data: secondData) else { Issue.record("not sent"); return }
        #expect(await sender.pending.first?.nonce == 2)
        let outcomes = try await setup.settle(sender)
        guard case .confirmed(second, _, _, _)? = outcomes.first else { Issue.record("\(outcomes)"); return }
        #expect(try await lastBatch(setup) == 2)
    }

    @Test func anUnderpricedConflictAndAStuckTransactionAreHandled() async throws {
        let setup = try await Setup(besu: false, blockTime: 1000)
        defer { setup.chain.stop() }
        let sender = try setup.sender(replaceAfter: 180)
        let (first, firstData) = try setup.batch(1, firstSlot: 0, slots: [1000])
        guard case .sent(let original) = try await sender.submit(first, to: setup.contract, data: firstData) else { Issue.record("not sent"); return }
        // Another transaction of the device key waits in the pool at nonce 1 with a high fee.
        try await sendAsDevice(setup, nonce: 1, maxFee: 90_000_000_000, wait: false)
        let (second, secondData) = try setup.batch(2, firstSlot: 1, slots: [1000])
        _ = try await sender.submit(second, to: setup.contract, data: secondData)
        #expect(await sender.pending.map(\.nonce) == [0, 2], "the underpriced conflict moved batch 2 to a free nonce")
        // Nothing is mined for longer than replace_after: batch 1 goes out again with a higher fee.
        #expect(try await sender.poll().isEmpty)
        let originalFee = await sender.pending[0].signed.transaction.fee
        setup.clock.advance(200)
        #expect(try await sender.poll().isEmpty)
        let replaced = await sender.pending[0]
        #expect(replaced.earlierHashes == [original] && replaced.signed.hash != original)
        if case .eip1559(let newMax, let newTip) = replaced.signed.transaction.fee,
           case .eip1559(let oldMax, let oldTip) = originalFee {
            #expect(newMax * 100 >= oldMax * 110 && newTip * 100 >= oldTip * 110)
        } else {
            Issue.record("not EIP-1559")
        }
        let outcomes = try await setup.settle(sender, mining: true)
        #expect(outcomes.count == 2)
        guard case .confirmed(first, let minedHash, _, _)? = outcomes.first(where: { if case .confirmed(first, _, _, _) = $0 { return true }; return false })
        else { Issue.record("\(outcomes)"); return }
        #expect(minedHash == replaced.signed.hash)
        #expect(try await lastBatch(setup) == 2)
    }

    @Test func aReorganisationThatDropsTheReceiptResendsExactlyOnce() async throws {
        let setup = try await Setup(besu: true)
        defer { setup.chain.stop() }
        let sender = try setup.sender(confirmations: 2)
        let snapshot = try await setup.chain.snapshot()
        let (intent, data) = try setup.batch(1, firstSlot: 0, slots: [1000, 1200])
        _ = try await sender.submit(intent, to: setup.contract, data: data)
        #expect(try await sender.poll().isEmpty)
        #expect(await sender.pending.first?.inclusion != nil, "mined, waiting for confirmations")
        try await setup.chain.revert(snapshot)
        try await setup.chain.mine(blocks: 3)
        #expect(try await lastBatch(setup) == 0, "the reorganisation took the batch away")
        let outcomes = try await setup.settle(sender, mining: true)
        guard outcomes.count == 1, case .confirmed(intent, _, _, _) = outcomes[0] else { Issue.record("\(outcomes)"); return }
        #expect(try await lastBatch(setup) == 1)
    }

    @Test func feeCeilingAndDailyBudgetMakeMeterdWaitAndSaySo() async throws {
        let setup = try await Setup(besu: false)
        defer { setup.chain.stop() }
        let (intent, data) = try setup.batch(1, firstSlot: 0, slots: [1000])
        let cheap = FeePolicy(profile: .ethereum, ceilingPerGas: 1_000, dailyGasBudget: 50_000_000)
        let stingy = FeePolicy(profile: .ethereum, ceilingPerGas: 100_000_000_000, dailyGasBudget: 30_000)
        for policy in [cheap, stingy] {
            let clock = setup.clock
            let store = MemoryStateStore<SenderState>()
            let sender = try TransactionSender(rpc: setup.chain.rpc, key: setup.chain.device,
                                               settings: .init(chainID: 1337, fees: policy, confirmations: 0), store: store,
                                               completion: nil, clock: { clock.now })
            do {
                _ = try await sender.submit(intent, to: setup.contract, data: data)
                Issue.record("sent above the \(policy == cheap ? "ceiling" : "budget")")
            } catch let error as ChainClientError {
                guard case .waiting(let reason) = error.code else { throw error }
                #expect(await sender.waiting == reason)
                #expect(try store.load()?.waiting == reason.description, "kept for meterd chain status")
                #expect(reason.description.contains(policy == cheap ? "max_fee_per_gas_gwei" : "daily_gas_budget"))
            }
            #expect(await sender.pending.isEmpty)
        }
        #expect(try await setup.chain.rpc.transactionCount(of: setup.chain.device.address) == 0)
    }

    /// A transaction signed with the device key outside meterd (a call of `paused()`, harmless).
    func sendAsDevice(_ setup: Setup, nonce: UInt64, maxFee: UInt128, wait: Bool = true) async throws {
        let transaction = Transaction(chainID: 1337, nonce: nonce, gasLimit: 60_000, to: setup.contract, data: AgreementABI.paused.selector,
                                      fee: .eip1559(maxFeePerGas: maxFee, maxPriorityFeePerGas: maxFee / 2))
        let hash = try await setup.chain.rpc.sendRawTransaction(try transaction.signed(with: setup.chain.device).raw)
        if wait { _ = try await setup.chain.waitForReceipt(hash) }
    }
}
