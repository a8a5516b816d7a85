import ChainClient

/// One eth_chainId call through a fresh client, as the daemon's first call makes it: its answer or its
/// typed error, and how long it took.
struct TransportProbe {
    let result: Result<UInt64, RPCError>
    let seconds: Double

    init(_ url: String, limits: TransportLimits) async {
        let clock = ContinuousClock()
        let started = clock.now
        do {
            result = .success(try await RPCClient(urls: [url], limits: limits).chainID())
        } catch {
            result = .failure(error)
        }
        let elapsed = clock.now - started
        seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    var error: RPCError? {
        if case .failure(let error) = result { return error }
        return nil
    }

    var answer: UInt64? { try? result.get() }
}
