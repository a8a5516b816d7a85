/// Where each slot's interval comes from: the agreement's profile (slot s is checked against profile
/// slot s % profile length, as the contract does) or one interval for every slot from `[guard]` on a
/// site without a chain.
enum SlotIntervals: Sendable, Equatable, Codable {
    case profile([SlotInterval])
    case everySlot(SlotInterval)

    /// The interval of `slot`; nil before the agreement's first slot or for an empty profile.
    func interval(for slot: Int64) -> SlotInterval? {
        switch self {
        case .everySlot(let interval):
            return interval
        case .profile(let slots):
            guard slot >= 0, !slots.isEmpty else { return nil }
            return slots[Int(slot % Int64(slots.count))]
        }
    }

    /// For the log: "the agreement's profile of 96 slots" or "[guard]: 2.0 to 10.0 kWh every slot".
    var origin: String {
        switch self {
        case .profile(let slots): return "the agreement's profile of \(slots.count) slots"
        case .everySlot(let interval):
            return "[guard]: \(SlotProjection.energy(interval.minimumWattHours)) to \(SlotProjection.energy(interval.maximumWattHours)) every slot"
        }
    }
}
