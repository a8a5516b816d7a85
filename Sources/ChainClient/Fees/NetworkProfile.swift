/// How the network prices gas, from [chain] network in meterd.toml.
public enum NetworkProfile: String, Sendable, Codable, CaseIterable {
    /// Public Ethereum and its testnets: EIP-1559 (type 2) transactions.
    case ethereum
    /// A private Hyperledger Besu network: legacy EIP-155 transactions at gas price 0 or a fixed price.
    case besu
}

/// The fee rules meterd keeps: never above a ceiling per gas, never above a daily gas budget.
public struct FeePolicy: Sendable, Equatable {
    var profile: NetworkProfile
    /// The most meterd pays per unit of gas, in wei (max fee per gas, or gas price).
    var ceilingPerGas: UInt128
    /// Besu: a fixed gas price in wei; nil asks the node (eth_gasPrice, usually 0).
    var fixedGasPrice: UInt128?
    /// Gas units meterd may spend per UTC day (gas limits reserved when sent, gas used once mined).
    var dailyGasBudget: UInt64
    /// Added to eth_estimateGas's answer.
    var gasMarginPercent: UInt64
    /// How much a replacement raises both fee fields (nodes require at least 10 %).
    var replacementBumpPercent: UInt128
    /// How long fees read from the node are reused before they are read again, in seconds.
    var feeRefreshSeconds: Double

    public init(profile: NetworkProfile, ceilingPerGas: UInt128, fixedGasPrice: UInt128? = nil, dailyGasBudget: UInt64,
                gasMarginPercent: UInt64 = 25, replacementBumpPercent: UInt128 = 15, feeRefreshSeconds: Double = 60) {
        self.profile = profile
        self.ceilingPerGas = ceilingPerGas
        self.fixedGasPrice = fixedGasPrice
        self.dailyGasBudget = dailyGasBudget
        self.gasMarginPercent = gasMarginPercent
        self.replacementBumpPercent = max(10, replacementBumpPercent)
        self.feeRefreshSeconds = feeRefreshSeconds
    }

    /// The gas limit for an estimate: the estimate plus the margin.
    func gasLimit(estimate: UInt64) -> UInt64 {
        estimate + (estimate * gasMarginPercent + 99) / 100
    }

    /// EIP-1559 fee for the next block's base fee and a priority fee: room for the base fee to double,
    /// capped at the ceiling; nil when even base fee + tip is above the ceiling (meterd waits).
    func eip1559Fee(nextBaseFee: UInt128, priorityFee: UInt128) -> TransactionFee? {
        let (needed, overflow) = nextBaseFee.addingReportingOverflow(priorityFee)
        guard !overflow, needed <= ceilingPerGas else { return nil }
        let (doubled, overflow2) = nextBaseFee.multipliedReportingOverflow(by: 2)
        let wanted = overflow2 ? UInt128.max : doubled.addingReportingOverflow(priorityFee).partialValue
        return .eip1559(maxFeePerGas: min(wanted, ceilingPerGas), maxPriorityFeePerGas: priorityFee)
    }

    /// Legacy fee at `gasPrice`; nil above the ceiling.
    func legacyFee(gasPrice: UInt128) -> TransactionFee? {
        gasPrice <= ceilingPerGas ? .legacy(gasPrice: gasPrice) : nil
    }

    /// A replacement's fee: both fields raised by the bump (rounded up, at least 1 wei), and no lower than
    /// `current` (the market now). nil when that would pass the ceiling: the transaction keeps waiting.
    /// A zero-price transaction (Besu) cannot be outbid and is only sent again.
    func replacement(for old: TransactionFee, current: TransactionFee?) -> TransactionFee? {
        func bump(_ value: UInt128) -> UInt128 {
            let raised = (value * (100 + replacementBumpPercent) + 99) / 100
            return max(raised, value + 1)
        }
        switch old {
        case .legacy(let price):
            guard price > 0 else { return nil }
            var next = bump(price)
            if case .legacy(let market)? = current { next = max(next, market) }
            return next <= ceilingPerGas ? .legacy(gasPrice: next) : nil
        case .eip1559(let maxFee, let tip):
            var nextTip = bump(tip)
            var nextMax = bump(maxFee)
            if case .eip1559(let marketMax, let marketTip)? = current {
                nextTip = max(nextTip, marketTip)
                nextMax = max(nextMax, marketMax)
            }
            guard nextMax <= ceilingPerGas, nextTip <= nextMax else { return nil }
            return .eip1559(maxFeePerGas: nextMax, maxPriorityFeePerGas: nextTip)
        }
    }
}
