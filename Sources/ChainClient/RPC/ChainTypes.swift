/// A block tag or number, as eth_getBlockByNumber, eth_call and eth_getLogs take it.
public enum BlockTag: Sendable, Hashable, CustomStringConvertible {
    case number(UInt64)
    case latest
    case pending
    case safe
    case finalized

    var json: JSONValue {
        switch self {
        case .number(let number): return .quantity(number)
        case .latest: return .string("latest")
        case .pending: return .string("pending")
        case .safe: return .string("safe")
        case .finalized: return .string("finalized")
        }
    }

    public var description: String {
        switch self {
        case .number(let number): return String(number)
        case .latest: return "latest"
        case .pending: return "pending"
        case .safe: return "safe"
        case .finalized: return "finalized"
        }
    }
}

/// The parts of a block header meterd uses.
public struct BlockHeader: Sendable, Equatable {
    let number: UInt64
    let hash: [UInt8]
    let timestamp: UInt64
    /// nil before London (a legacy-only network).
    let baseFeePerGas: UInt128?
}

/// One contract log, from a receipt or eth_getLogs.
public struct Log: Sendable, Equatable {
    public let address: Address
    let topics: [[UInt8]]
    let data: [UInt8]
    let blockNumber: UInt64
    let blockHash: [UInt8]
    let transactionHash: [UInt8]
    let logIndex: UInt64
    /// True when a reorganisation took the log's block out of the canonical chain.
    let removed: Bool
}

struct TransactionReceipt: Sendable, Equatable {
    let transactionHash: [UInt8]
    let blockNumber: UInt64
    let blockHash: [UInt8]
    let succeeded: Bool
    let gasUsed: UInt64
    let effectiveGasPrice: UInt128?
    let logs: [Log]
}

/// eth_feeHistory's answer, as far as fee estimation needs it.
struct FeeHistory: Sendable, Equatable {
    /// Base fee of each block in the range, then the next block's.
    let baseFeePerGas: [UInt128]
    /// Per block, the priority fees at the requested percentiles.
    let rewards: [[UInt128]]
}

/// What eth_getLogs is asked for.
struct LogFilter: Sendable, Equatable {
    var fromBlock: UInt64
    var toBlock: UInt64
    var address: Address
    /// topics[0]: any of these event topics.
    var eventTopics: [[UInt8]]

    init(fromBlock: UInt64, toBlock: UInt64, address: Address, eventTopics: [[UInt8]]) {
        self.fromBlock = fromBlock
        self.toBlock = toBlock
        self.address = address
        self.eventTopics = eventTopics
    }
}
