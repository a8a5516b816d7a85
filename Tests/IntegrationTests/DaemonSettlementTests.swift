@testable import ChainClient
import Foundation
@testable import MeterDaemon
import Testing

/// meterd run end to end on the development chain: what the contract holds slot by slot is what
/// the journal closed, through restarts, SIGKILLs and an RPC node that goes away.
@Suite(.serialized) struct DaemonSettlementTests {
    /// The contract's rule, computed here from the values on chain (contracts/README.md): each batch
    /// charges its out-of-interval slots and the unmeasured ones beyond the period's allowance, never
    /// below zero.
    static func expectedBonus(_ batches: [(batch: UInt64, firstSlot: UInt64, values: [UInt32])]) -> UInt64 {
        var bonus = SettlementSite.bonus
        var allowance = SettlementSite.unmeasuredAllowance
        for batch in batches.sorted(by: { $0.batch < $1.batch }) {
            var charged: UInt64 = 0
            for value in batch.values {
                if value == AgreementBinding.unmeasured, allowance > 0 {
                    allowance -= 1
                } else if value == AgreementBinding.unmeasured || value < SettlementSite.interval.min || value > SettlementSite.interval.max {
                    charged += 1
                }
            }
            bonus -= min(charged * SettlementSite.penaltyPerSlot, bonus)
        }
        return bonus
    }

    /// Batches numbered 1... once each, slots from 0 with no gap and no overlap, every value on
    /// chain the journal's, and the bonus the contract's own rule gives.
    func expectSettledExactly(_ site: SettlementSite, journal daemon: DaemonProcess, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        // Batches and the agreement's state read at one block: a transaction sent just before the stop
        // may still be mined between two reads.
        let block = try await site.chain.rpc.blockNumber()
        let batches = try await site.batchesOnChain(upTo: block)
        #expect(!batches.isEmpty, "no batch reached the chain; log:\n\(daemon.log)", sourceLocation: sourceLocation)
        #expect(batches.map(\.batch) == Array(1...UInt64(max(1, batches.count))), "batch numbers \(batches.map(\.batch))", sourceLocation: sourceLocation)
        var next: UInt64 = 0
        for batch in batches {
            #expect(batch.firstSlot == next, "batch \(batch.batch) starts at \(batch.firstSlot), not \(next)", sourceLocation: sourceLocation)
            next = batch.firstSlot + UInt64(batch.values.count)
        }
        let journaled = try SettlementSite.journaledSlots(daemon)
        for batch in batches {
            for (offset, value) in batch.values.enumerated() {
                let slot = batch.firstSlot + UInt64(offset)
                // A slot closed before meterd's first reading is journaled nowhere and sent as unmeasured.
                #expect(value == (journaled[slot] ?? AgreementBinding.unmeasured), "slot \(slot): \(value) on chain, \(String(describing: journaled[slot])) journaled",
                        sourceLocation: sourceLocation)
            }
        }
        let state = try await site.chain.rpc.agreementState(site, at: .number(block))
        #expect(state.bonus == UInt128(Self.expectedBonus(batches)), sourceLocation: sourceLocation)
        #expect(state.nextSlot == next && state.lastBatchSeq == UInt64(batches.count), sourceLocation: sourceLocation)
        let device = try DeviceKeyFile.load(path: daemon.key).address
        #expect(try JournalVerifier.verify(directory: daemon.journal, signer: device).isValid, sourceLocation: sourceLocation)
    }

    @Test func whatTheContractHoldsIsWhatTheJournalClosed() async throws {
        let site = try await SettlementSite()
        defer { site.stop() }
        let daemon = try site.daemon()
        try daemon.start()
        try await Task.sleep(nanoseconds: 16_000_000_000)
        #expect(daemon.stop() == 0, "log:\n\(daemon.log)")
        #expect(daemon.log.contains("batch confirmed"))
        try await expectSettledExactly(site, journal: daemon)
        let anchored = try JournalReader(directory: daemon.journal).records().contains { if case .anchored = $0.payload { true } else { false } }
        #expect(anchored, "confirmed batches anchor the journal")
    }

    /// A limiter trip is the consumer's emergency shutdown: the device reports it once, with its journal's
    /// head after the trip, and the contract takes the agreement's emergency penalty from the bonus.
    @Test func aLimiterTripIsReportedOnceAndCostsTheEmergencyPenalty() async throws {
        let site = try await SettlementSite()
        defer { site.stop() }
        let daemon = try site.daemon(tables: """
            [relay]
            chip = "simulated"
            line = 17
            energised = "cuts"
            fail_state = "connected"
            request_dir = "{state}/relay-requests"
            [limiter]
            power_threshold_w = 1
            emergency_power_threshold_w = 2
            reconnection = "manual"
            """)
        try daemon.start()
        let reported = try await eventually(within: 30) { daemon.log.contains("EmergencyShutdown") }
        try await Task.sleep(nanoseconds: 3_000_000_000)
        #expect(daemon.stop() == 0, "log:\n\(daemon.log)")
        #expect(reported, "log:\n\(daemon.log)")
        // A restart with the trip still in force (manual reconnection) is not a new trip.
        try daemon.start()
        try await Task.sleep(nanoseconds: 6_000_000_000)
        #expect(daemon.stop() == 0, "log:\n\(daemon.log)")
        let block = try await site.chain.rpc.blockNumber()
        let logs = try await site.chain.rpc.logs(LogFilter(fromBlock: 0, toBlock: block, address: site.contract,
                                                           eventTopics: [AgreementABI.emergencyShutdown.topic]))
        #expect(logs.count == 1, "one trip, one report: \(logs.count)")
        let binding = AgreementBinding(contract: site.contract, agreementID: site.agreement)
        guard let log = logs.first, case .emergencyShutdown(let penalty, _, let head)? = try binding.decode(log)?.event else {
            Issue.record("no EmergencyShutdown event; log:\n\(daemon.log)")
            return
        }
        let records = try JournalReader(directory: daemon.journal).records()
        let trip = try #require(records.firstIndex { if case .relayTransition(let change) = $0.payload { change.cause.contains("limiter") } else { false } },
                                "the trip is journaled")
        let reportedHead = try #require(records.firstIndex { $0.hash == head }, "the reported head is a record of the journal")
        #expect(reportedHead >= trip, "the report carries a head after the trip")
        let state = try await site.chain.rpc.agreementState(site, at: .number(block))
        let batches = try await site.batchesOnChain(upTo: block)
        #expect(penalty == 10_000 && state.bonus == UInt128(Self.expectedBonus(batches)) - penalty, "bonus \(state.bonus), penalty \(penalty)")
    }

    /// A batch goes out only once the slot it ends with is closed in the journal: with nothing closed yet,
    /// slot 0 of a new agreement went out at once, unmeasured, as a batch of one.
    @Test func aBatchEndsWithASlotTheJournalClosed() async throws {
        let site = try await SettlementSite()
        defer { site.stop() }
        let daemon = try site.daemon()
        try daemon.start()
        try await Task.sleep(nanoseconds: 8_000_000_000)
        #expect(daemon.stop() == 0, "log:\n\(daemon.log)")
        var closed = Set<UInt64>()
        var batches = 0
        for record in try JournalReader(directory: daemon.journal).records() {
            switch record.payload {
            case .slotClosed(let slot): closed.insert(slot.slotIndex)
            case .batchSubmitted(let batch):
                batches += 1
                let last = batch.firstSlot + UInt64(batch.slotCount) - 1
                #expect(closed.contains(last), "batch \(batch.batchSequence) (slots \(batch.firstSlot)...\(last)) went out before slot \(last) closed")
            default: break
            }
        }
        #expect(batches > 0, "no batch went out; log:\n\(daemon.log)")
    }

    @Test func theDaemonWaitsWithoutSendingUntilTheConsumerAccepts() async throws {
        let site = try await SettlementSite(accepted: false)
        defer { site.stop() }
        let daemon = try site.daemon()
        try daemon.start()
        try await Task.sleep(nanoseconds: 9_000_000_000)
        #expect(try await site.batchesOnChain().isEmpty, "a batch went out for a proposal; log:\n\(daemon.log)")
        let nonce = try await site.chain.rpc.transactionCount(of: site.chain.device.address)
        #expect(nonce == 0, "the device sent \(nonce) transactions while the agreement was a proposal")
        #expect(daemon.log.contains("agreement is proposed, not yet accepted by the consumer: meterd sends no batch for it"),
                "log:\n\(daemon.log)")
        try await site.chain.acceptAgreement(contract: site.contract, id: site.agreement)
        try await Task.sleep(nanoseconds: 12_000_000_000)
        #expect(daemon.stop() == 0, "log:\n\(daemon.log)")
        #expect(daemon.log.contains("agreement is active (accepted by the consumer): batches go out"), "log:\n\(daemon.log)")
        try await expectSettledExactly(site, journal: daemon)
    }

    @Test func twentyKillsNeitherLoseNorRepeatABatch() async throws {
        let site = try await SettlementSite()
        defer { site.stop() }
        let daemon = try site.daemon()
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            try daemon.start()
            try await Task.sleep(nanoseconds: UInt64.random(in: 300_000_000...2_500_000_000, using: &generator))
            #expect(daemon.stop(signal: SIGKILL) != nil)
        }
        try daemon.start()
        try await Task.sleep(nanoseconds: 12_000_000_000)
        #expect(daemon.stop() == 0, "log:\n\(daemon.log.suffix(3000))")
        try await expectSettledExactly(site, journal: daemon)
    }

    @Test func slotsWaitForAnRPCNodeThatIsAwayAndThenArriveInOrder() async throws {
        let site = try await SettlementSite()
        defer { site.stop() }
        let port = try TCPProxy.freePort()
        let upstream = URL(string: site.chain.url)!
        var proxy = try TCPProxy(listen: port, to: upstream.port!)
        let daemon = try site.daemon(rpcURL: "http://127.0.0.1:\(port)")
        try daemon.start()
        try await Task.sleep(nanoseconds: 6_000_000_000)
        proxy.stop()
        try await Task.sleep(nanoseconds: 14_000_000_000)  // seven slots with no node
        let beforeReturn = try await site.batchesOnChain().count
        proxy = try TCPProxy(listen: port, to: upstream.port!)
        defer { proxy.stop() }
        try await Task.sleep(nanoseconds: 10_000_000_000)
        #expect(daemon.stop() == 0, "log:\n\(daemon.log.suffix(3000))")
        #expect(daemon.log.contains("batches wait in the journal"))
        let batches = try await site.batchesOnChain()
        #expect(batches.count > beforeReturn, "batches went out once the node was back")
        try await expectSettledExactly(site, journal: daemon)
    }
}

extension RPCClient {
    func agreementState(_ site: SettlementSite, at block: BlockTag = .latest) async throws -> AgreementState {
        try await AgreementBinding(contract: site.contract, agreementID: site.agreement).agreement(rpc: self, at: block)
    }
}
