/// The sender's other half: everything that happens to a transaction after it was first sent.
extension TransactionSender {
    /// Advances every pending transaction: receipts, confirmations, reorganisations, replacement and
    /// resending. Returns the transactions that ended, which are then forgotten.
    public func poll() async throws -> [TransactionOutcome] {
        await enter()
        defer { leave() }
        guard !state.pending.isEmpty else { return [] }
        try await verifyChain()
        try await reconcileNonce()
        var outcomes: [TransactionOutcome] = []
        var head: UInt64?
        for var record in state.pending {
            if record.inclusion == nil {
                if let receipt = try await minedVersion(of: record) {
                    record.inclusion = Inclusion(hash: receipt.transactionHash, blockNumber: receipt.blockNumber, blockHash: receipt.blockHash,
                                                 succeeded: receipt.succeeded, gasUsed: receipt.gasUsed)
                } else {
                    if try await resend(&record) == .intentAlreadyDone {
                        try forget(record)
                        outcomes.append(.alreadyDone(record.intent))
                        continue
                    }
                    replace(record)
                    try persist()
                    continue
                }
            }
            guard let inclusion = record.inclusion else { continue }
            if settings.confirmations > 0 {
                if head == nil { head = try await rpc.blockNumber() }
                guard head! >= inclusion.blockNumber + settings.confirmations else { replace(record); try persist(); continue }
                let again = try await rpc.receipt(of: inclusion.hash)
                guard let again, again.blockHash == inclusion.blockHash else {
                    // A reorganisation took the block away: the transaction goes out again.
                    record.inclusion = nil
                    record.accepted = false
                    replace(record)
                    try persist()
                    continue
                }
            }
            outcomes.append(try await finish(record, inclusion))
        }
        return outcomes
    }

    private func finish(_ record: PendingTransaction, _ inclusion: Inclusion) async throws -> TransactionOutcome {
        let outcome: TransactionOutcome
        if inclusion.succeeded {
            outcome = .confirmed(record.intent, hash: inclusion.hash, blockNumber: inclusion.blockNumber, gasUsed: inclusion.gasUsed)
        } else if try await isDone(record.intent) {
            outcome = .alreadyDone(record.intent)
        } else {
            if inclusion.gasUsed >= record.signed.transaction.gasLimit {
                state.gasLimits[Self.shape(record.signed.transaction.data)] = nil
            }
            outcome = .reverted(record.intent, hash: inclusion.hash, reason: await revertReason(record, inclusion))
        }
        try forget(record, gasUsed: inclusion.gasUsed)
        return outcome
    }

    /// Replays a reverted transaction as a call on the state before its block, for the contract's reason.
    private func revertReason(_ record: PendingTransaction, _ inclusion: Inclusion) async -> String {
        let transaction = record.signed.transaction
        let before = BlockTag.number(inclusion.blockNumber > 0 ? inclusion.blockNumber - 1 : 0)
        do {
            _ = try await rpc.call(from: key.address, to: transaction.to, data: transaction.data, at: before)
            return inclusion.gasUsed >= transaction.gasLimit ? "out of gas" : "reverted (no reason given)"
        } catch {
            return error.revertReason ?? "reverted (\(error))"
        }
    }

    /// A transaction without a receipt: send it again if no node has it, replace it with a higher fee if
    /// it has waited too long; if its nonce was taken meanwhile, settle it through the contract's state.
    private func resend(_ record: inout PendingTransaction) async throws -> BroadcastResult {
        let now = clock()
        if record.accepted, now - record.lastSent >= settings.replaceAfterSeconds {
            // Without the market's fee (no node answers it now) the replacement still bumps the old fee by the policy's step.
            let market = try? await currentFee(now: now, refresh: true)
            if let fee = settings.fees.replacement(for: record.signed.transaction.fee, current: market ?? nil) {
                try resign(&record, nonce: record.nonce, fee: fee)
            }
            record.accepted = false
        }
        guard !record.accepted else { return .pending }
        do {
            let result = try await broadcast(&record)
            if result == .pending { lastError = nil }
            return result
        } catch let error as ChainClientError {
            // Kept and tried again at the next poll; the status shows why it does not go out.
            guard case .rejected = error.code else { throw error }
            lastError = error.description
            return .pending
        }
    }
}
