/// Why the sender refused or failed to send.
public enum SenderError: Error, Sendable, CustomStringConvertible {
    /// The node serves another chain than the configured one (`ChainIdentityCheck`): meterd signs nothing for it.
    case wrongChain(url: String, expected: UInt64, actual: UInt64)
    case waiting(WaitReason)
    /// eth_estimateGas says the call reverts, and the contract does not already have it.
    case wouldRevert(TransactionIntent, reason: String)
    /// The node refused the transaction for a reason meterd cannot fix by itself (e.g. insufficient funds).
    case rejected(TransactionIntent, RPCError)
    case rpc(RPCError)
    case signing(String)

    public var description: String {
        switch self {
        case .wrongChain(let url, let expected, let actual):
            return "\(url) serves chain id " + ChainIdentityCheck.mismatch(served: actual, expected: expected)
        case .waiting(let reason): return reason.description
        case .wouldRevert(let intent, let reason):
            return "\(intent) would revert: \(reason.isEmpty ? "no reason given" : reason)"
        case .rejected(let intent, let error):
            var text = "\(intent) was refused: \(error)"
            if error.nodeMessage?.contains("insufficient funds") == true { text += "; fund the device address" }
            return text
        case .rpc(let error): return error.description
        case .signing(let reason): return "signing failed: \(reason)"
        }
    }
}
