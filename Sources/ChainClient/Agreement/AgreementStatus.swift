/// Where an agreement stands in its consent: the contract's `status` (contracts/README.md, trust model).
/// Batches are accepted only while it is active (including its final period).
public enum AgreementStatus: UInt8, Sendable, Equatable {
    /// Proposed by the utility; the consumer has not accepted it, so it binds nobody.
    case proposed = 0
    case active = 1
    /// Active in its last period: accepted new terms take over at the next period (a new agreement id).
    case finalPeriod = 2
    /// Its final period closed; it takes no more batches.
    case ended = 3

    init(code: UInt8) throws(ChainClientError) {
        guard let status = AgreementStatus(rawValue: code) else {
            throw ChainClientError.valueOutOfRange(type: "agreement status", value: String(code))
        }
        self = status
    }

    public var acceptsBatches: Bool { self == .active || self == .finalPeriod }

    /// One phrase for logs and `meterd chain status`.
    public var explanation: String {
        switch self {
        case .proposed: return "proposed, not yet accepted by the consumer"
        case .active: return "active (accepted by the consumer)"
        case .finalPeriod: return "active in its final period (the consumer accepted new terms from the next period)"
        case .ended: return "ended"
        }
    }
}
