/// Reads the fee a transaction should offer from the node, per the network profile.
///
/// Ethereum: eth_feeHistory for the next block's base fee (and its recent tips), eth_maxPriorityFeePerGas
/// for the tip (the median recent tip when the node lacks that method). Besu: the fixed price, or
/// eth_gasPrice. Answers are reused for `feeRefreshSeconds`, so a steady stream of batches does not
/// ask for fees each time.
public struct FeeOracle: Sendable {
    public let policy: FeePolicy
    private var cached: (fee: TransactionFee?, at: Double)?

    public init(policy: FeePolicy) { self.policy = policy }

    /// The fee to offer now; nil when the market is above the ceiling.
    public mutating func fee(rpc: RPCClient, now: Double, refresh: Bool = false) async throws(RPCError) -> TransactionFee? {
        if !refresh, let cached, now - cached.at < policy.feeRefreshSeconds, now >= cached.at { return cached.fee }
        let fee = try await read(rpc: rpc)
        cached = (fee, now)
        return fee
    }

    public mutating func forget() { cached = nil }

    private func read(rpc: RPCClient) async throws(RPCError) -> TransactionFee? {
        switch policy.profile {
        case .besu:
            let price: UInt128
            if let fixed = policy.fixedGasPrice { price = fixed } else { price = try await rpc.gasPrice() }
            return policy.legacyFee(gasPrice: price)
        case .ethereum:
            let history = try await rpc.feeHistory(blocks: 5, percentiles: [50])
            let nextBase = history.baseFeePerGas.last!
            var tip: UInt128
            do {
                tip = try await rpc.maxPriorityFeePerGas()
            } catch where error.nodeMessage != nil {
                let tips = history.rewards.compactMap(\.first).sorted()
                tip = tips.isEmpty ? 0 : tips[tips.count / 2]
            }
            return policy.eip1559Fee(nextBaseFee: nextBase, priorityFee: tip)
        }
    }
}
