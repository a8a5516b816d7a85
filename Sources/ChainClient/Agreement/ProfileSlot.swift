/// One slot of the agreement's daily profile (the contract's `profile(id)` view): the slot settles
/// inside when minimum ≤ consumption ≤ maximum, in Wh.
public struct ProfileSlot: Sendable, Equatable, Codable {
    public var minimumWattHours: UInt32
    public var maximumWattHours: UInt32

    init(minimumWattHours: UInt32, maximumWattHours: UInt32) {
        self.minimumWattHours = minimumWattHours
        self.maximumWattHours = maximumWattHours
    }

    /// The view's two arrays, paired: they must be as long as each other, and each pair a uint32
    /// interval with its minimum at or below its maximum (as the contract stores it).
    static func slots(minima: ABIValue, maxima: ABIValue) throws(ChainClientError) -> [ProfileSlot] {
        let lows = try minima.elements(), highs = try maxima.elements()
        guard lows.count == highs.count else {
            throw .valueDoesNotMatchType(type: "profile", value: "\(lows.count) minima and \(highs.count) maxima")
        }
        var slots: [ProfileSlot] = []
        slots.reserveCapacity(lows.count)
        for (low, high) in zip(lows, highs) {
            let minimum: UInt32 = try low.word().unsigned(), maximum: UInt32 = try high.word().unsigned()
            guard minimum <= maximum else {
                throw .valueDoesNotMatchType(type: "profile", value: "a slot's minimum \(minimum) above its maximum \(maximum)")
            }
            slots.append(ProfileSlot(minimumWattHours: minimum, maximumWattHours: maximum))
        }
        return slots
    }
}
