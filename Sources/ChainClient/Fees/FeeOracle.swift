/// Reads the fee a transaction should offer from the node, per the network profile.
///
/// Ethereum: eth_feeHistory for the next block's base fee and the median of the last five blocks' median
/// tips; eth_maxPriorityFeePerGas when those blocks paid no tips (empty blocks). Besu: the fixed price, or
/// eth_gasPrice. Answers are reused for `feeRefreshSeconds`, so a steady stream of batches does not
/// ask for fees each time.
struct FeeOracle: Sendable {
    let policy: FeePolicy
    private var cached: (fee: TransactionFee?, at: Double)?

    init(policy: FeePolicy) { self.policy = policy }

    /// The fee to offer now; nil when the market is above the ceiling.
    mutating func fee(rpc: RPCClient, now: Double, refresh: Bool = false) async throws(ChainClientError) -> TransactionFee? {
        if !refresh, let cached, now - cached.at < policy.feeRefreshSeconds, now >= cached.at { return cached.fee }
        let fee = try await read(rpc: rpc)
        cached = (fee, now)
        return fee
    }

    private func read(rpc: RPCClient) async throws(ChainClientError) -> TransactionFee? {
        switch policy.profile {
        case .besu:
            let price: UInt128
            if let fixed = policy.fixedGasPrice { price = fixed } else { price = try await rpc.gasPrice() }
            return policy.legacyFee(gasPrice: price)
        case .ethereum:
            let history = try await rpc.feeHistory(blocks: 5, percentiles: [50])
            let nextBase = history.baseFeePerGas.last!
            let tips = history.rewards.compactMap(\.first).filter { $0 > 0 }.sorted()
            var tip: UInt128
            if !tips.isEmpty {
                tip = tips[tips.count / 2]
            } else {
                // Empty recent blocks say nothing about tips: ask the node's own suggestion.
                do { tip = try await rpc.maxPriorityFeePerGas() } catch where error.nodeMessage != nil { tip = 0 }
            }
            return policy.eip1559Fee(nextBaseFee: nextBase, priorityFee: tip)
        }
    }
}
