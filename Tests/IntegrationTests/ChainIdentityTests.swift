@testable import ChainClient
import Testing

/// The chain id check against development chains: one serving the configured chain, one serving
/// another, behind one client that fails over from the first to the second.
@Suite struct ChainIdentityTests {
    @Test func aFailoverToANodeOfAnotherChainIsRefusedNamingThatNode() async throws {
        let right = try DevChain(chainID: 1337)
        defer { right.stop() }
        let other = try DevChain(chainID: 1338)
        defer { other.stop() }
        let first = FlakyTransport(url: right.url, failing: [])
        let rpc = RPCClient(endpoints: [first, CurlTransport(url: other.url)])
        let check = ChainIdentityCheck(expected: 1337)
        try await check.verify(rpc)
        try await check.verify(rpc)
        #expect(rpc.callCounts["eth_chainId"] == 1, "a verified node is not asked again")
        first.fail(["eth_blockNumber", "eth_chainId"])
        _ = try await rpc.blockNumber()
        #expect(rpc.currentURL == other.url)
        do {
            try await check.verify(rpc)
            Issue.record("a node of chain 1338 passed for 1337")
        } catch let error as ChainClientError {
            guard case .wrongChain(let url, let expected, let actual) = error.code else { throw error }
            #expect(url == other.url && expected == 1337 && actual == 1338)
        }
    }
}
