/// Owns the device's transactions: nonce, fees, gas, signing, sending, receipts, confirmations,
/// replacement of stuck transactions and resending after a reorganisation, all persisted in a
/// `StateStore` before anything goes out, so a restart at any moment loses and duplicates nothing.
///
/// In steady state a batch costs one eth_sendRawTransaction and its receipt polls: the nonce is kept
/// locally, fees are reused for `FeePolicy.feeRefreshSeconds` and gas limits are learnt per call shape.
public actor TransactionSender {
    public struct Settings: Sendable {
        var chainID: UInt64
        var fees: FeePolicy
        /// Blocks on top of the including block before a transaction counts as final (0: when mined).
        var confirmations: UInt64
        /// Seconds without a receipt before a transaction is replaced with a higher fee.
        var replaceAfterSeconds: Double

        public init(chainID: UInt64, fees: FeePolicy, confirmations: UInt64, replaceAfterSeconds: Double = 180) {
            self.chainID = chainID
            self.fees = fees
            self.confirmations = confirmations
            self.replaceAfterSeconds = replaceAfterSeconds
        }
    }

    public enum Submission: Sendable, Equatable {
        case sent(hash: [UInt8])
        /// The intent is already pending (the earlier transaction's hash).
        case alreadyPending(hash: [UInt8])
        /// The contract already has it; nothing was sent.
        case alreadyDone
    }

    let rpc: RPCClient
    let settings: Settings
    let key: PrivateKey
    private let store: any StateStore<SenderState>
    private let completion: (any CompletionCheck)?
    let clock: @Sendable () -> Double
    var state: SenderState
    private var oracle: FeeOracle
    private let chainCheck: ChainIdentityCheck
    private var nonceReconciled = false
    private(set) var waiting: WaitReason?
    /// `submit` and `poll` suspend at every RPC call; the gate lets one of them run at a time, so two
    /// submits of the same batch cannot both pass the "already pending" check.
    private var busy = false
    private var queued: [CheckedContinuation<Void, Never>] = []
    /// The last refusal of a pending transaction by the node, for the status.
    var lastError: String?

    public init(rpc: RPCClient, key: PrivateKey, settings: Settings, store: any StateStore<SenderState>,
                completion: (any CompletionCheck)?, clock: @escaping @Sendable () -> Double) throws {
        self.rpc = rpc
        self.key = key
        self.settings = settings
        self.store = store
        self.completion = completion
        self.clock = clock
        state = try store.load() ?? SenderState()
        oracle = FeeOracle(policy: settings.fees)
        chainCheck = ChainIdentityCheck(expected: settings.chainID)
    }

    public var address: Address { key.address }
    public var pending: [PendingTransaction] { state.pending }
    var nextNonce: UInt64? { state.nextNonce }
    public var gasUsedToday: UInt64 { state.budget.day == GasBudget.day(of: clock()) ? state.budget.used : 0 }

    // MARK: submitting

    /// Signs and sends a call to `to`, unless the intent is already pending or done. The transaction is
    /// persisted before it is sent; a send that fails on the way is retried by `poll`.
    public func submit(_ intent: TransactionIntent, to: Address, data: [UInt8]) async throws -> Submission {
        await enter()
        defer { leave() }
        try await verifyChain()
        if let existing = state.pending.first(where: { $0.intent == intent }) { return .alreadyPending(hash: existing.signed.hash) }
        try await reconcileNonce()
        let now = clock()
        let shape = Self.shape(data)
        let gasLimit: UInt64
        if let known = state.gasLimits[shape] {
            gasLimit = known
        } else {
            do {
                gasLimit = settings.fees.gasLimit(estimate: try await rpc.estimateGas(from: key.address, to: to, data: data))
            } catch {
                guard let reason = error.revertReason else { throw error }
                if try await isDone(intent) { return .alreadyDone }
                throw ChainClientError.wouldRevert(intent, reason: reason)
            }
            state.gasLimits[shape] = gasLimit
        }
        guard let fee = try await currentFee(now: now) else { throw try wait(waiting!) }
        if let resume = state.budget.reserve(gasLimit, limit: settings.fees.dailyGasBudget, now: now) {
            throw try wait(.dailyBudgetSpent(budget: settings.fees.dailyGasBudget, resumesAt: resume))
        }
        waiting = nil
        state.waiting = nil
        let nonce = state.nextNonce!
        let transaction = Transaction(chainID: settings.chainID, nonce: nonce, gasLimit: gasLimit, to: to, data: data, fee: fee)
        let signed = try sign(transaction)
        var record = PendingTransaction(intent: intent, signed: signed, earlierHashes: [], lastSent: now, accepted: false,
                                        inclusion: nil, reservedGas: gasLimit, reservedDay: state.budget.day)
        state.nextNonce = nonce + 1
        state.pending.append(record)
        try persist()
        let sent: BroadcastResult
        do {
            sent = try await broadcast(&record)
        } catch let error as ChainClientError {
            if case .rejected = error.code {
                state.nextNonce = nil
                nonceReconciled = false
                try forget(record)
            }
            throw error
        }
        if sent == .intentAlreadyDone {
            try forget(record)
            return .alreadyDone
        }
        replace(record)
        try persist()
        return .sent(hash: record.signed.hash)
    }

    /// Sends `record.signed`, mending what the node objects to: a nonce taken by another transaction gets
    /// a fresh nonce, a fee below the base fee a fresh fee. Transport failures leave it for `poll`; a
    /// nonce taken because the contract already has the intent ends it.
    func broadcast(_ record: inout PendingTransaction) async throws -> BroadcastResult {
        for _ in 0..<3 {
            do {
                _ = try await rpc.sendRawTransaction(record.signed.raw)
                record.accepted = true
                record.lastSent = clock()
                return .pending
            } catch let error where error.isTransportFailure {
                record.accepted = false
                return .pending
            } catch {
                let message = (error.nodeMessage ?? "").lowercased()
                if message.contains("already known") || message.contains("known transaction") {
                    record.accepted = true
                    return .pending
                }
                if message.contains("nonce too low") || message.contains("replacement transaction underpriced") {
                    switch try await holderOfNonce(record) {
                    case .ours:
                        record.accepted = true
                        record.lastSent = clock()
                        return .pending
                    case .intentDone:
                        return .intentAlreadyDone
                    case .nobody:
                        record.accepted = false
                        return .pending
                    case .another(let pendingNonce):
                        state.nextNonce = max(pendingNonce, state.nextNonce ?? pendingNonce)
                        let nonce = state.nextNonce!
                        state.nextNonce = nonce + 1
                        try resign(&record, nonce: nonce, fee: record.signed.transaction.fee)
                        continue
                    }
                }
                // geth: "max fee per gas less than block base fee", "transaction underpriced"; Besu: "gas price below
                // configured minimum gas price" (a node with --min-gas-price above the network's usual 0).
                if message.contains("base fee") || message.contains("underpriced") || message.contains("fee too low")
                    || message.contains("gas price below") {
                    guard let fee = try await currentFee(now: clock(), refresh: true) else { record.accepted = false; return .pending }
                    try resign(&record, nonce: record.nonce, fee: fee)
                    continue
                }
                throw ChainClientError.rejected(record.intent, error)
            }
        }
        record.accepted = false
        return .pending
    }

    /// Who holds the nonce the node says is taken. A byte-identical resend of a pooled transaction is
    /// answered "already known" by geth but "replacement transaction underpriced" by other nodes, so the
    /// nonce goes to someone else only when none of the record's own versions is pooled or mined, the
    /// contract does not already have the intent, and the node's pending nonce is past the record's.
    func holderOfNonce(_ record: PendingTransaction) async throws -> NonceHolder {
        for hash in record.allHashes {
            if try await rpc.knowsTransaction(hash) { return .ours }
        }
        if try await isDone(record.intent) { return .intentDone }
        let pendingNonce = try await chainNonce()
        return pendingNonce > record.nonce ? .another(pendingNonce: pendingNonce) : .nobody
    }

    func resign(_ record: inout PendingTransaction, nonce: UInt64, fee: TransactionFee) throws {
        var transaction = record.signed.transaction
        transaction.nonce = nonce
        transaction.fee = fee
        if nonce == record.nonce { record.earlierHashes.append(record.signed.hash) } else { record.earlierHashes = [] }
        record.signed = try sign(transaction)
        replace(record)
        try persist()
    }

    // MARK: helpers

    /// Drops a pending transaction that ended, giving back the gas it reserved and did not use.
    func forget(_ record: PendingTransaction, gasUsed: UInt64 = 0) throws {
        state.budget.release(record.reservedGas - min(record.reservedGas, gasUsed), reservedOn: record.reservedDay)
        state.pending.removeAll { $0.intent == record.intent }
        try persist()
    }

    /// Records why nothing is sent (for the status, also after a restart) and returns the error to throw.
    private func wait(_ reason: WaitReason) throws -> ChainClientError {
        waiting = reason
        state.waiting = reason.description
        try persist()
        return .waiting(reason)
    }

    func enter() async {
        if busy {
            await withCheckedContinuation { queued.append($0) }
        } else {
            busy = true
        }
    }

    func leave() {
        if queued.isEmpty { busy = false } else { queued.removeFirst().resume() }
    }

    func minedVersion(of record: PendingTransaction) async throws -> TransactionReceipt? {
        for hash in record.allHashes {
            if let receipt = try await rpc.receipt(of: hash) { return receipt }
        }
        return nil
    }

    func isDone(_ intent: TransactionIntent) async throws -> Bool {
        guard let completion else { return false }
        return try await completion.isDone(intent)
    }

    func verifyChain() async throws {
        try await chainCheck.verify(rpc)
    }

    /// Once per process: the local nonce meets the node's pending count. With nothing of ours pending the
    /// node is right (another wallet may have used the key); with transactions pending the higher of
    /// the two is kept, and every unmined one is sent again by `poll` (a restarted node or a
    /// reorganisation may have dropped it; a node that has it answers "already known").
    func reconcileNonce() async throws {
        guard !nonceReconciled else { return }
        let fresh = try await chainNonce()
        state.nextNonce = state.pending.isEmpty ? fresh : max(fresh, state.nextNonce ?? fresh)
        for index in state.pending.indices where state.pending[index].inclusion == nil { state.pending[index].accepted = false }
        nonceReconciled = true
        try persist()
    }

    private func chainNonce() async throws -> UInt64 {
        try await rpc.transactionCount(of: key.address, at: .pending)
    }

    func currentFee(now: Double, refresh: Bool = false) async throws -> TransactionFee? {
        let fee = try await readFee(now: now, refresh: refresh)
        if fee == nil { waiting = .feeAboveCeiling(ceiling: settings.fees.ceilingPerGas) }
        return fee
    }

    private func readFee(now: Double, refresh: Bool) async throws -> TransactionFee? {
        var oracle = self.oracle
        defer { self.oracle = oracle }
        return try await oracle.fee(rpc: rpc, now: now, refresh: refresh)
    }

    private func sign(_ transaction: Transaction) throws -> SignedTransaction {
        do { return try transaction.signed(with: key) } catch { throw ChainClientError.signing("\(error)") }
    }

    func replace(_ record: PendingTransaction) {
        if let index = state.pending.firstIndex(where: { $0.intent == record.intent }) { state.pending[index] = record }
    }

    func persist() throws { try store.save(state) }

    static func shape(_ data: [UInt8]) -> String { Hex.encode(data.prefix(4), prefix: false) + ":\(data.count)" }
}
