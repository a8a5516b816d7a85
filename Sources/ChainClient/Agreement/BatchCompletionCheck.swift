/// A batch is done when the contract's last accepted batch number has reached it: the contract takes
/// batch numbers strictly in order, so any number at or below its last one is already in.
public struct BatchCompletionCheck: CompletionCheck {
    let binding: AgreementBinding
    let rpc: RPCClient

    public init(binding: AgreementBinding, rpc: RPCClient) {
        self.binding = binding
        self.rpc = rpc
    }

    public func isDone(_ intent: TransactionIntent) async throws -> Bool {
        guard case .batch(let agreementID, let batchSeq) = intent, agreementID == binding.agreementID else { return false }
        return try await binding.deviceState(rpc: rpc).lastBatchSeq >= batchSeq
    }
}
