/// A slot's agreed consumption interval: the slot settles inside when minimum ≤ consumption ≤ maximum
/// (both bounds included, as the contract checks them).
public struct SlotInterval: Sendable, Equatable, Codable {
    public var minimumWattHours: Double
    public var maximumWattHours: Double

    public init(minimumWattHours: Double, maximumWattHours: Double) {
        self.minimumWattHours = minimumWattHours
        self.maximumWattHours = maximumWattHours
    }
}
