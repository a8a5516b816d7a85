/// A decoded event of the agreement contract.
public enum AgreementEvent: Sendable, Equatable {
    case agreementProposed(consumer: Address, device: Address)
    /// The consumer accepted the agreement: from now on it takes batches.
    case agreementAccepted(consumer: Address)
    /// The agreement's final period closed: it takes no more batches.
    case agreementEnded(period: UInt64)
    case periodOpened(period: UInt64, firstSlot: UInt64, bonus: UInt128)
    case batchSubmitted(batchSeq: UInt64, firstSlot: UInt64, slotCount: UInt64, violations: UInt64, unmeasured: UInt64, bonus: UInt128, journalHead: [UInt8])
    case periodClosed(period: UInt64, missingSlots: UInt64, penalty: UInt128, creditAdded: UInt128, credit: UInt128)
    case emergencyShutdown(penalty: UInt128, bonus: UInt128, journalHead: [UInt8])
    /// The device must open its relay (after checking the contract's state at a confirmed block).
    case cutoffOrdered(reason: String)
    case cutoffAcknowledged(journalHead: [UInt8])
    case reconnectionAllowed
    case reconnected(journalHead: [UInt8])
    case bonusAdjusted(delta: Int128, bonus: UInt128, reason: String)
    case creditAdjusted(delta: Int128, credit: UInt128, reason: String)
    case deviceChanged(oldDevice: Address, newDevice: Address)
    case paused(account: Address)
    case unpaused(account: Address)

    var name: String {
        switch self {
        case .agreementProposed: return "AgreementProposed"
        case .agreementAccepted: return "AgreementAccepted"
        case .agreementEnded: return "AgreementEnded"
        case .periodOpened: return "PeriodOpened"
        case .batchSubmitted: return "BatchSubmitted"
        case .periodClosed: return "PeriodClosed"
        case .emergencyShutdown: return "EmergencyShutdown"
        case .cutoffOrdered: return "CutoffOrdered"
        case .cutoffAcknowledged: return "CutoffAcknowledged"
        case .reconnectionAllowed: return "ReconnectionAllowed"
        case .reconnected: return "Reconnected"
        case .bonusAdjusted: return "BonusAdjusted"
        case .creditAdjusted: return "CreditAdjusted"
        case .deviceChanged: return "DeviceChanged"
        case .paused: return "Paused"
        case .unpaused: return "Unpaused"
        }
    }
}

/// An event with where it happened. `agreementID` is nil for contract-wide events (pause).
public struct ContractEvent: Sendable, Equatable {
    public let agreementID: UInt64?
    public let event: AgreementEvent
    public let blockNumber: UInt64
    let blockHash: [UInt8]
    public let transactionHash: [UInt8]
    let logIndex: UInt64
}

extension AgreementEvent {
    /// Decodes one log of the contract; nil for an event meterd does not watch.
    static func decode(_ log: Log) throws(ChainClientError) -> (agreementID: UInt64?, event: AgreementEvent)? {
        guard let topic = log.topics.first, let abi = AgreementABI.events.first(where: { $0.topic == topic }) else { return nil }
        let v = try abi.decode(topics: log.topics, data: log.data)
        func u64(_ i: Int) throws(ChainClientError) -> UInt64 { try v[i].word().unsigned() }
        func u128(_ i: Int) throws(ChainClientError) -> UInt128 { try v[i].word().unsigned() }
        func i128(_ i: Int) throws(ChainClientError) -> Int128 { try v[i].word().signed() }
        let event: AgreementEvent
        switch abi.name {
        case "AgreementProposed": event = .agreementProposed(consumer: try v[1].address(), device: try v[2].address())
        case "AgreementAccepted": event = .agreementAccepted(consumer: try v[1].address())
        case "AgreementEnded": event = .agreementEnded(period: try u64(1))
        case "PeriodOpened": event = .periodOpened(period: try u64(1), firstSlot: try u64(2), bonus: try u128(3))
        case "BatchSubmitted":
            let batch = try PackedBatchCounters(try v[1].word())
            event = .batchSubmitted(batchSeq: batch.batchSeq, firstSlot: batch.firstSlot, slotCount: batch.slotCount,
                                    violations: batch.violations, unmeasured: batch.unmeasured, bonus: try u128(2),
                                    journalHead: try v[3].byteString())
        case "PeriodClosed":
            event = .periodClosed(period: try u64(1), missingSlots: try u64(2), penalty: try u128(3), creditAdded: try u128(4), credit: try u128(5))
        case "EmergencyShutdown": event = .emergencyShutdown(penalty: try u128(1), bonus: try u128(2), journalHead: try v[3].byteString())
        case "CutoffOrdered": event = .cutoffOrdered(reason: try v[1].string())
        case "CutoffAcknowledged": event = .cutoffAcknowledged(journalHead: try v[1].byteString())
        case "ReconnectionAllowed": event = .reconnectionAllowed
        case "Reconnected": event = .reconnected(journalHead: try v[1].byteString())
        case "BonusAdjusted": event = .bonusAdjusted(delta: try i128(1), bonus: try u128(2), reason: try v[3].string())
        case "CreditAdjusted": event = .creditAdjusted(delta: try i128(1), credit: try u128(2), reason: try v[3].string())
        case "DeviceChanged": event = .deviceChanged(oldDevice: try v[1].address(), newDevice: try v[2].address())
        case "Paused": return (nil, .paused(account: try v[0].address()))
        case "Unpaused": return (nil, .unpaused(account: try v[0].address()))
        default: return nil
        }
        return (try u64(0), event)
    }
}
