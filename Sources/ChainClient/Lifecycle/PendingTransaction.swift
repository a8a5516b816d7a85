/// What a transaction is for. A batch is identified by its number, which the contract accepts once:
/// that makes submitting it idempotent across restarts, lost receipts and reorganisations.
public enum TransactionIntent: Sendable, Hashable, Codable, CustomStringConvertible {
    case batch(agreementID: UInt64, batchSeq: UInt64)
    /// Any other call (acknowledge a cutoff, confirm a reconnection, close a period), by a label that is
    /// unique while it is pending.
    case call(label: String)

    public var description: String {
        switch self {
        case .batch(let agreement, let sequence): return "batch \(sequence) of agreement \(agreement)"
        case .call(let label): return label
        }
    }
}

/// Decides whether the contract already has what an intent asks for (e.g. the batch number is at or
/// below the contract's last batch), so a failed or vanished transaction counts as done, not as an error.
public protocol CompletionCheck: Sendable {
    func isDone(_ intent: TransactionIntent) async throws -> Bool
}

/// Where a transaction was mined.
struct Inclusion: Sendable, Codable, Equatable {
    var hash: [UInt8]
    var blockNumber: UInt64
    var blockHash: [UInt8]
    var succeeded: Bool
    var gasUsed: UInt64
}

/// A transaction meterd signed and has not yet seen confirmed, persisted before it is first sent.
public struct PendingTransaction: Sendable, Codable, Equatable {
    var intent: TransactionIntent
    /// The latest signed version (same nonce as every earlier one, unless the nonce had to change).
    var signed: SignedTransaction
    /// Hashes of earlier versions (replaced by a higher fee): any of them may be the one mined.
    var earlierHashes: [[UInt8]]
    /// Unix time of the last send of `signed`.
    var lastSent: Double
    /// False until a node accepted `signed` (also after a restart or a vanished receipt): poll sends it.
    var accepted: Bool
    var inclusion: Inclusion?
    /// Gas reserved from the day's budget, and on which day.
    var reservedGas: UInt64
    var reservedDay: Int64

    var nonce: UInt64 { signed.transaction.nonce }
    var allHashes: [[UInt8]] { [signed.hash] + earlierHashes }
}

/// Everything the sender persists.
public struct SenderState: Sendable, Codable, Equatable {
    /// The nonce the next new transaction takes; nil until read from the node.
    var nextNonce: UInt64?
    public var pending: [PendingTransaction]
    var budget: GasBudget
    /// Gas limits learnt from eth_estimateGas, by selector and calldata length.
    var gasLimits: [String: UInt64]
    /// Why the last submit had to wait (fee above the ceiling, budget spent), for `meterd chain status`.
    var waiting: String?

    init() {
        nextNonce = nil
        pending = []
        budget = GasBudget()
        gasLimits = [:]
        waiting = nil
    }
}

/// How a pending transaction ended.
public enum TransactionOutcome: Sendable, Equatable {
    /// Mined, successful, and buried under the configured number of confirmations.
    case confirmed(TransactionIntent, hash: [UInt8], blockNumber: UInt64, gasUsed: UInt64)
    /// The contract already had it (e.g. a retry of a batch that an earlier transaction delivered).
    case alreadyDone(TransactionIntent)
    /// Mined but reverted, and the contract does not have it: the reason as the contract gave it.
    case reverted(TransactionIntent, hash: [UInt8], reason: String)
}

/// Why the sender is not sending right now.
public enum WaitReason: Sendable, Equatable, CustomStringConvertible {
    case feeAboveCeiling(ceiling: UInt128)
    case dailyBudgetSpent(budget: UInt64, resumesAt: Double)

    public var description: String {
        switch self {
        case .feeAboveCeiling(let ceiling):
            return "waiting: the network's fee is above the ceiling of \(ceiling) wei per gas ([chain] max_fee_per_gas_gwei)"
        case .dailyBudgetSpent(let budget, let resumesAt):
            return "waiting: today's gas budget of \(budget) is spent ([chain] daily_gas_budget); resumes at Unix time \(Int64(resumesAt))"
        }
    }
}

/// Who holds the nonce of a pending transaction that a node refused as taken.
enum NonceHolder: Equatable {
    /// One of the transaction's own versions, pooled or mined.
    case ours
    /// Not ours, but the contract already has what the transaction asks for: nothing is sent again.
    case intentDone
    /// The node's pending nonce does not reach it after all: the same transaction is sent again later.
    case nobody
    /// Another transaction of the key: the intent goes out under a nonce from `pendingNonce` on.
    case another(pendingNonce: UInt64)
}

/// How a send of a pending transaction ended, when no error was thrown.
enum BroadcastResult: Equatable {
    /// Sent, or left for `poll` to send again: `accepted` on the record says which.
    case pending
    /// The contract already has what the transaction asks for: nothing is sent again.
    case intentAlreadyDone
}
