extension AgreementEvent: CustomStringConvertible {
    /// One line, as `meterd chain events` and the logs show it.
    public var description: String {
        func head(_ bytes: [UInt8]) -> String { Hex.encode(bytes) }
        switch self {
        case .agreementProposed(let consumer, let device): return "AgreementProposed consumer \(consumer) device \(device)"
        case .agreementAccepted(let consumer): return "AgreementAccepted consumer \(consumer)"
        case .agreementEnded(let period): return "AgreementEnded after period \(period)"
        case .periodOpened(let period, let firstSlot, let bonus): return "PeriodOpened period \(period) first slot \(firstSlot) bonus \(bonus)"
        case .batchSubmitted(let seq, let firstSlot, let count, let violations, let unmeasured, let bonus, let journal):
            return "BatchSubmitted batch \(seq) \(Self.slots(firstSlot, count)) violations \(violations) unmeasured \(unmeasured) bonus \(bonus) journal \(head(journal))"
        case .periodClosed(let period, let missing, let penalty, let added, let credit):
            return "PeriodClosed period \(period) missing slots \(missing) penalty \(penalty) credit added \(added) credit \(credit)"
        case .emergencyShutdown(let penalty, let bonus, let journal): return "EmergencyShutdown penalty \(penalty) bonus \(bonus) journal \(head(journal))"
        case .cutoffOrdered(let reason): return "CutoffOrdered reason \"\(reason)\""
        case .cutoffAcknowledged(let journal): return "CutoffAcknowledged journal \(head(journal))"
        case .reconnectionAllowed: return "ReconnectionAllowed"
        case .reconnected(let journal): return "Reconnected journal \(head(journal))"
        case .bonusAdjusted(let delta, let bonus, let reason): return "BonusAdjusted delta \(delta) bonus \(bonus) reason \"\(reason)\""
        case .creditAdjusted(let delta, let credit, let reason): return "CreditAdjusted delta \(delta) credit \(credit) reason \"\(reason)\""
        case .deviceChanged(let old, let new): return "DeviceChanged from \(old) to \(new)"
        case .paused(let account): return "Paused by \(account)"
        case .unpaused(let account): return "Unpaused by \(account)"
        }
    }

    /// The batch's slots as a range; the counts come from a log the node hands over, so an empty
    /// batch or one past the last slot number is shown as it is instead of trapping on the arithmetic.
    private static func slots(_ first: UInt64, _ count: UInt64) -> String {
        guard count > 0, count - 1 <= UInt64.max - first else { return "\(count) slots from \(first)" }
        return "slots \(first)..\(first + (count - 1))"
    }
}
