import Synchronization

/// Whether the node an `RPCClient` talks to serves the configured chain, so that nothing is signed
/// for, read from or settled against another one. It remembers the endpoint it verified and asks
/// again only once the client has failed over to another endpoint, which may serve another chain.
public final class ChainIdentityCheck: Sendable {
    let expected: UInt64
    private let verifiedURL = Mutex<String?>(nil)

    public init(expected: UInt64) {
        self.expected = expected
    }

    /// Asks the client's current endpoint for its chain id, unless that endpoint was verified already.
    /// Throws `ChainClientError.wrongChain` when it serves another chain, and the call's error when it cannot answer.
    public func verify(_ rpc: RPCClient) async throws {
        guard verifiedURL.withLock({ $0 }) != rpc.currentURL else { return }
        let served = try await rpc.chainID()
        // The client may have failed over during the call: the endpoint that answered is its current one.
        let url = rpc.currentURL
        guard served == expected else {
            verifiedURL.withLock { $0 = nil }
            throw ChainClientError.wrongChain(url: url, expected: expected, actual: served)
        }
        verifiedURL.withLock { $0 = url }
    }

    /// What a node serving `served` instead of `expected` means and what to check, after its chain id.
    static func mismatch(served: UInt64, expected: UInt64) -> String {
        "\(served), but [chain] chain_id is \(expected): meterd signs nothing for this node (fix rpc_urls or chain_id)"
    }
}
