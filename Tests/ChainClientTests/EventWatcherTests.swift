import Testing
@testable import ChainClient

@Suite struct EventWatcherTests {
    static let contract = try! Address("0x5FbDB2315678afecb367f032d93F642f64180aa3")
    let binding = AgreementBinding(contract: EventWatcherTests.contract, agreementID: 1)

    /// A log of `event` for agreement 1 in `block`.
    static func log(_ event: ABIEvent, block: UInt64, index: UInt64, data: [UInt8] = [], removed: Bool = false) -> JSONValue {
        .object([
            "address": .string(Hex.encode(contract.bytes)), "topics": .array([.string(Hex.encode(event.topic)), .string(Hex.encode(Word256(UInt64(1)).bytes))]),
            "data": .string(Hex.encode(data)), "blockNumber": ScriptedNode.quantity(block), "blockHash": ScriptedNode.hash(block),
            "transactionHash": ScriptedNode.hash(1000 + block), "logIndex": ScriptedNode.quantity(index), "removed": .bool(removed),
        ])
    }

    static func block(_ number: UInt64) -> JSONValue {
        .object(["number": ScriptedNode.quantity(number), "hash": ScriptedNode.hash(number), "timestamp": ScriptedNode.quantity(number * 12)])
    }

    static func range(_ params: [JSONValue]) -> (UInt64, UInt64) {
        guard case .string(let from)? = params.first?["fromBlock"], case .string(let to)? = params.first?["toBlock"] else { return (0, 0) }
        return (UInt64(from.dropFirst(2), radix: 16)!, UInt64(to.dropFirst(2), radix: 16)!)
    }

    @Test func confirmedEventsArriveInOrderRemovedLogsDoNotAndTheCursorMoves() async throws {
        let reason = try ABIEncoder.encode([.string("overload")], as: [.string])
        let node = ScriptedNode { method, params in
            switch method {
            case "eth_blockNumber": return ScriptedNode.quantity(30)
            case "eth_getBlockByNumber":
                guard case .string(let tag)? = params.first, let number = UInt64(tag.dropFirst(2), radix: 16) else { return .null }
                return Self.block(number)
            case "eth_getLogs":
                let (from, to) = Self.range(params)
                let all: [(UInt64, JSONValue)] = [
                    (12, Self.log(AgreementABI.reconnectionAllowed, block: 12, index: 3)),
                    (12, Self.log(AgreementABI.cutoffOrdered, block: 12, index: 1, data: reason)),
                    (15, Self.log(AgreementABI.reconnectionAllowed, block: 15, index: 0, removed: true)),
                ]
                return .array(all.filter { (from...to).contains($0.0) }.map(\.1))
            default: return .null
            }
        }
        let store = MemoryStateStore<EventCursor>()
        let watcher = try EventWatcher(rpc: RPCClient(endpoints: [node]), binding: binding, finality: .depth(10), startBlock: 5,
                                       maximumRange: 8, store: store)
        var events: [ContractEvent] = []
        let count = try await watcher.poll { events.append($0) }
        #expect(count == 2)
        #expect(events.map(\.event) == [.cutoffOrdered(reason: "overload"), .reconnectionAllowed])
        #expect(try store.load()?.nextBlock == 21, "confirmed head is 30 - 10")
        #expect(node.calls.filter { $0 == "eth_getLogs" }.count == 2, "blocks 5-12 and 13-20")
        #expect(!node.calls.contains("eth_getBlockByNumber"), "no header is read: the depth is the protection against reorganisations")
        events.removeAll()
        #expect(try await watcher.poll { events.append($0) } == 0)
    }

    @Test func aRemovedLogBelowTheCursorRewindsIt() async throws {
        let served = MemoryStateStore<Bool>(false)
        let node = ScriptedNode { method, params in
            switch method {
            case "eth_blockNumber": return ScriptedNode.quantity(40)
            case "eth_getBlockByNumber":
                guard case .string(let tag)? = params.first, let number = UInt64(tag.dropFirst(2), radix: 16) else { return .null }
                return Self.block(number)
            case "eth_getLogs":
                if (try? served.load()) == false {
                    try? served.save(true)
                    return .array([Self.log(AgreementABI.reconnectionAllowed, block: 25, index: 0, removed: true)])
                }
                return .array([])
            default: return .null
            }
        }
        let store = MemoryStateStore<EventCursor>(EventCursor(nextBlock: 31))
        let watcher = try EventWatcher(rpc: RPCClient(endpoints: [node]), binding: binding, finality: .depth(0), startBlock: 0, store: store)
        #expect(try await watcher.poll { _ in } == 0)
        #expect(try store.load()?.nextBlock == 25)
        try await watcher.poll { _ in }
        #expect(try store.load()?.nextBlock == 41)
    }

    @Test func eventsComeOnlyFromTheConfiguredChain() async throws {
        let node = ScriptedNode { method, _ in method == "eth_chainId" ? ScriptedNode.quantity(5) : ScriptedNode.quantity(100) }
        let watcher = try EventWatcher(rpc: RPCClient(endpoints: [node]), binding: binding, finality: .depth(0), startBlock: 0, chainID: 1,
                                       store: MemoryStateStore<EventCursor>())
        await #expect { try await watcher.poll { _ in Issue.record("delivered from another chain") } } throws: {
            ($0 as? ChainClientError)?.code.group == .sender
        }
        #expect(node.calls == ["eth_chainId"])
    }

    @Test func safeAndFinalizedFinalityAskTheNodesTag() async throws {
        let node = ScriptedNode { method, params in
            if method == "eth_getBlockByNumber", params.first == .string("finalized") { return Self.block(64) }
            return .null
        }
        let finalized = try EventWatcher(rpc: RPCClient(endpoints: [node]), binding: binding, finality: .finalized, startBlock: 0,
                                         store: MemoryStateStore<EventCursor>())
        #expect(try await finalized.confirmedHead() == 64)
        let safe = try EventWatcher(rpc: RPCClient(endpoints: [node]), binding: binding, finality: .safe, startBlock: 0,
                                    store: MemoryStateStore<EventCursor>())
        await #expect { try await safe.confirmedHead() } throws: { ($0 as? ChainClientError)?.isCallFailure == true }
    }
}
