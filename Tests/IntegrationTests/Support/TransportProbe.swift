import ChainClient

/// One eth_chainId call through a fresh client, as the daemon's first call makes it: its answer or its
/// typed error.
struct TransportProbe {
    let result: Result<UInt64, ChainClientError>

    init(_ url: String, limits: TransportLimits) async {
        do {
            result = .success(try await RPCClient(urls: [url], limits: limits).chainID())
        } catch {
            result = .failure(error)
        }
    }

    var error: ChainClientError? {
        if case .failure(let error) = result { return error }
        return nil
    }

    var answer: UInt64? { try? result.get() }
}
