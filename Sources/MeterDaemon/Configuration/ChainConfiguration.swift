import ChainClient

/// The `[chain]` section: which node, chain, contract and agreement, and the fee and timing rules.
public struct ChainConfiguration: Sendable, Equatable {
    enum FinalityChoice: String, Sendable, CaseIterable {
        case depth, safe, finalized
    }

    /// Tried in order; the first that answers is used until it fails.
    var rpcURLs: [String]
    public var chainID: UInt64
    var network: NetworkProfile
    public var contract: Address
    public var agreementID: UInt64
    /// Blocks on top of a transaction's block before it counts (and, with `finality = "depth"`, an event's).
    var confirmations: UInt64
    var finality: FinalityChoice
    /// The most meterd pays per gas, in wei.
    var maxFeePerGas: UInt128
    /// Besu: a fixed gas price in wei; nil asks the node.
    var gasPrice: UInt128?
    public var dailyGasBudget: UInt64
    var gasMarginPercent: UInt64
    var replaceAfterSeconds: Double
    var feeRefreshSeconds: Double
    var receiptPollSeconds: Double
    var watchIntervalSeconds: Double
    /// Where the event watcher starts when it has no cursor yet (the contract's deployment block).
    public var startBlock: UInt64
    public var logRangeBlocks: UInt64
    var connectTimeoutMs: Int
    var requestTimeoutMs: Int
    var maxResponseBytes: Int
    /// PEM CA certificates to trust instead of the system store (a private network's own CA).
    var caFile: String?
    /// An http:// proxy to the nodes; without it the https_proxy / http_proxy variables are honoured.
    var proxy: String?
    /// Pending transactions, nonce and the event cursor live here.
    var stateDirectory: String
    /// Slots one batch carries (a day of quarter hours: 96); a batch goes out when this many wait ...
    var batchSlots: Int = 96
    /// ... or when the oldest waiting slot has waited this long.
    var batchMaxWaitSeconds: Double = 86_400

    var transportLimits: TransportLimits {
        TransportLimits(connectTimeout: Double(connectTimeoutMs) / 1000, requestTimeout: Double(requestTimeoutMs) / 1000,
                        maximumResponseBytes: maxResponseBytes, caFile: caFile, proxy: proxy)
    }

    var feePolicy: FeePolicy {
        FeePolicy(profile: network, ceilingPerGas: maxFeePerGas, fixedGasPrice: gasPrice, dailyGasBudget: dailyGasBudget,
                  gasMarginPercent: gasMarginPercent, feeRefreshSeconds: feeRefreshSeconds)
    }

    var senderSettings: TransactionSender.Settings {
        TransactionSender.Settings(chainID: chainID, fees: feePolicy, confirmations: confirmations, replaceAfterSeconds: replaceAfterSeconds)
    }

    var eventFinality: Finality {
        switch finality {
        case .depth: return .depth(confirmations)
        case .safe: return .safe
        case .finalized: return .finalized
        }
    }

    public var binding: AgreementBinding { AgreementBinding(contract: contract, agreementID: agreementID) }

    public var senderStatePath: String { stateDirectory + "/transactions.json" }
    public var eventCursorPath: String { stateDirectory + "/events.json" }

    public func makeRPCClient() -> RPCClient { RPCClient(urls: rpcURLs, limits: transportLimits) }
}
