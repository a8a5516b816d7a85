import Synchronization
import Testing
@testable import ChainClient

/// The chain id check against scripted nodes: asked once per endpoint, again after a failover, and a
/// refusal that names the node, both chain ids and what to fix. The development chain's version is
/// in IntegrationTests (ChainIdentityTests).
@Suite struct ChainIdentityCheckTests {
    /// Whether a scripted endpoint is down (unreachable), switched by the test.
    final class Outage: Sendable {
        private let down: Mutex<Bool>
        init(down: Bool) { self.down = Mutex(down) }
        var isDown: Bool { down.withLock { $0 } }
        func begin() { down.withLock { $0 = true } }
    }

    static func node(_ url: String, serving chainID: UInt64, outage: Outage? = nil) -> ScriptedNode {
        ScriptedNode(url: url) { method, _ in
            if outage?.isDown == true { return ScriptedNode.unreachable }
            return method == "eth_chainId" ? ScriptedNode.quantity(chainID) : ScriptedNode.quantity(100)
        }
    }

    @Test func aVerifiedEndpointIsAskedOnce() async throws {
        let node = Self.node("scripted://a", serving: 1337)
        let rpc = RPCClient(endpoints: [node])
        let check = ChainIdentityCheck(expected: 1337)
        try await check.verify(rpc)
        try await check.verify(rpc)
        #expect(node.calls == ["eth_chainId"])
    }

    @Test func anotherChainIsRefusedWithTheNodeBothIdsAndWhatToFix() async throws {
        let node = Self.node("scripted://a", serving: 5)
        let rpc = RPCClient(endpoints: [node])
        let check = ChainIdentityCheck(expected: 1)
        for _ in 0..<2 {
            do {
                try await check.verify(rpc)
                Issue.record("another chain passed")
            } catch let error as ChainClientError {
                guard case .wrongChain(let url, let expected, let actual) = error.code else { Issue.record("\(error)"); return }
                #expect(url == "scripted://a" && expected == 1 && actual == 5)
                #expect(error.description == "scripted://a serves chain id 5, but [chain] chain_id is 1: meterd signs nothing for this node (fix rpc_urls or chain_id)")
            }
        }
        #expect(node.calls == ["eth_chainId", "eth_chainId"], "a refused node is asked again, not remembered")
    }

    @Test func aFailoverToAnotherEndpointIsCheckedAgain() async throws {
        let outage = Outage(down: false)
        let first = Self.node("scripted://a", serving: 1337, outage: outage)
        let second = Self.node("scripted://b", serving: 5)
        let rpc = RPCClient(endpoints: [first, second])
        let check = ChainIdentityCheck(expected: 1337)
        try await check.verify(rpc)
        outage.begin()
        _ = try await rpc.blockNumber()
        #expect(rpc.currentURL == "scripted://b")
        await #expect { try await check.verify(rpc) } throws: { error in
            guard case .wrongChain(let url, 1337, 5)? = (error as? ChainClientError)?.code else { return false }
            return url == "scripted://b"
        }
    }

    @Test func theEndpointThatAnsweredIsTheOneVerified() async throws {
        let first = Self.node("scripted://a", serving: 5, outage: Outage(down: true))
        let second = Self.node("scripted://b", serving: 1337)
        let rpc = RPCClient(endpoints: [first, second])
        let check = ChainIdentityCheck(expected: 1337)
        try await check.verify(rpc)
        try await check.verify(rpc)
        #expect(second.calls == ["eth_chainId"], "b answered the failed-over call and stays verified")
    }

    @Test func anUnreachableNodeIsACallFailure() async throws {
        let node = Self.node("scripted://a", serving: 1337, outage: Outage(down: true))
        await #expect { try await ChainIdentityCheck(expected: 1337).verify(RPCClient(endpoints: [node])) } throws: {
            ($0 as? ChainClientError)?.isCallFailure == true
        }
    }
}
