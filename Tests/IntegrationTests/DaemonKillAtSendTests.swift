@testable import ChainClient
import Foundation
import Testing

/// meterd killed exactly after it sent a batch (and between persisting and sending it), then started
/// again, against a node answering a byte-identical resend as geth does ("already known") and as
/// others do ("replacement transaction underpriced"): no batch goes out under a second nonce, so
/// nothing reverts.
@Suite(.serialized) struct DaemonKillAtSendTests {
    static let kills = 30

    @Test(arguments: [RPCProxy.geth, RPCProxy.otherNodes])
    func killsAtTheSendNeitherRepeatNorRevertABatch(identicalResend: String) async throws {
        // Blocks slow enough that the restarted daemon resends before its transaction is mined.
        let site = try await SettlementSite(blockTime: 2)
        defer { site.stop() }
        let proxy = try RPCProxy(upstream: site.chain.url, identicalResend: identicalResend)
        defer { proxy.stop() }
        let daemon = try site.daemon(rpcURL: proxy.url, batchSlots: 1)
        var killed = 0
        for round in 0..<Self.kills {
            try daemon.start()
            try proxy.kill(daemon.process!.processIdentifier, at: round % 3 == 2 ? .beforeSend : .afterSend)
            let deadline = Date().addingTimeInterval(30)
            while daemon.process!.isRunning, Date() < deadline { try await Task.sleep(nanoseconds: 10_000_000) }
            let diedAtSend = !daemon.process!.isRunning
            if daemon.stop(signal: SIGKILL) == SIGKILL, diedAtSend, daemon.process!.terminationReason == .uncaughtSignal { killed += 1 }
        }
        #expect(killed == Self.kills, "every round ended in the proxy's kill at a send; log:\n\(daemon.log.suffix(3000))")
        try daemon.start()
        try await Task.sleep(nanoseconds: 8_000_000_000)
        #expect(daemon.stop() == 0, "log:\n\(daemon.log.suffix(3000))")
        let device = site.chain.device.address
        // Whatever the last run left in the pool is mined before the chain is read.
        for _ in 0..<100 {
            let pooled = try await site.chain.rpc.transactionCount(of: device, at: .pending)
            if try await site.chain.rpc.transactionCount(of: device, at: .latest) == pooled { break }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        let transactions = try await site.deviceTransactionsOnChain()
        let reverted = transactions.filter { !$0.succeeded }
        #expect(reverted.isEmpty, "reverted: \(reverted.map { "batch \($0.batch) at nonce \($0.nonce)" })")
        let nonces = Dictionary(grouping: transactions, by: \.batch).mapValues { $0.map(\.nonce) }
        #expect(nonces.values.allSatisfy { $0.count == 1 }, "batches sent under more than one nonce: \(nonces.filter { $0.value.count > 1 })")
        #expect(transactions.count >= Self.kills / 2, "only \(transactions.count) batches reached the chain in \(Self.kills) rounds")
        try await DaemonSettlementTests().expectSettledExactly(site, journal: daemon)
    }
}
