import Synchronization
import Testing
@testable import ChainClient

/// The sender against a scripted node, for the answers the development chain does not give (Besu's
/// wording, insufficient funds). The devchain-backed lifecycle tests are in IntegrationTests.
@Suite struct TransactionSenderTests {
    static let key = try! PrivateKey(bytes: [UInt8](repeating: 9, count: 32))
    static let contract = try! Address("0x5FbDB2315678afecb367f032d93F642f64180aa3")

    func sender(_ node: ScriptedNode, store: MemoryStateStore<SenderState> = MemoryStateStore()) throws -> TransactionSender {
        let fees = FeePolicy(profile: .besu, ceilingPerGas: 1_000_000_000_000, dailyGasBudget: 10_000_000)
        return try TransactionSender(rpc: RPCClient(endpoints: [node]), key: Self.key, settings: .init(chainID: 1337, fees: fees, confirmations: 0),
                                     store: store, completion: nil, clock: { 1_800_000_000 })
    }

    @Test func besusMinimumGasPriceRefusalIsAnsweredWithTheNodesPrice() async throws {
        let sends = Mutex(0)
        let prices = Mutex([UInt64(0), 1_000])
        let node = ScriptedNode { method, _ in
            switch method {
            case "eth_chainId": return ScriptedNode.quantity(1337)
            case "eth_getTransactionCount": return ScriptedNode.quantity(5)
            case "eth_estimateGas": return ScriptedNode.quantity(100_000)
            case "eth_gasPrice": return ScriptedNode.quantity(prices.withLock { $0.count > 1 ? $0.removeFirst() : $0[0] })
            case "eth_sendRawTransaction":
                let count = sends.withLock { $0 += 1; return $0 }
                return count == 1 ? ScriptedNode.error(-32000, "Gas price below configured minimum gas price") : ScriptedNode.hash(1)
            default: return .null
            }
        }
        let sender = try sender(node)
        guard case .sent = try await sender.submit(.call(label: "close period"), to: Self.contract, data: [1, 2, 3, 4]) else { Issue.record("not sent"); return }
        let pending = try #require(await sender.pending.first)
        #expect(pending.nonce == 5 && pending.accepted)
        #expect(pending.signed.transaction.fee == .legacy(gasPrice: 1_000))
        #expect(pending.signed.transaction.gasLimit == 125_000)
        #expect(pending.earlierHashes.count == 1)
    }

    @Test func insufficientFundsLeavesNothingPendingAndSaysWhatToDo() async throws {
        let node = ScriptedNode { method, _ in
            switch method {
            case "eth_chainId": return ScriptedNode.quantity(1337)
            case "eth_getTransactionCount": return ScriptedNode.quantity(0)
            case "eth_estimateGas": return ScriptedNode.quantity(50_000)
            case "eth_gasPrice": return ScriptedNode.quantity(7)
            case "eth_sendRawTransaction": return ScriptedNode.error(-32000, "insufficient funds for gas * price + value")
            default: return .null
            }
        }
        let store = MemoryStateStore<SenderState>()
        let sender = try sender(node, store: store)
        do {
            _ = try await sender.submit(.batch(agreementID: 0, batchSeq: 1), to: Self.contract, data: [1])
            Issue.record("sent without funds")
        } catch let error as ChainClientError {
            guard case .rejected(.batch(0, 1), let rpc) = error.code else { Issue.record("\(error)"); return }
            #expect(rpc.method == "eth_sendRawTransaction")
            #expect(error.description.hasSuffix("fund the device address"))
        }
        #expect(try store.load()?.pending.isEmpty == true)
        #expect(try store.load()?.budget.used == 0, "the reserved gas went back")
        #expect(try store.load()?.nextNonce == nil, "read again from the node next time")
    }

    @Test func aNodeAnsweringNonsenseIsACallFailureNotACrash() async throws {
        let node = ScriptedNode { method, _ in
            method == "eth_chainId" ? ScriptedNode.quantity(1337) : .object(["unexpected": .bool(true)])
        }
        await #expect {
            try await sender(node).submit(.call(label: "x"), to: Self.contract, data: [1])
        } throws: { ($0 as? ChainClientError)?.isCallFailure == true }
    }
}
