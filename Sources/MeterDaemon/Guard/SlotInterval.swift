/// A slot's agreed consumption interval: the slot settles inside when minimum ≤ consumption ≤ maximum
/// (both bounds included, as the contract checks them).
struct SlotInterval: Sendable, Equatable, Codable {
    var minimumWattHours: Double
    var maximumWattHours: Double

    init(minimumWattHours: Double, maximumWattHours: Double) {
        self.minimumWattHours = minimumWattHours
        self.maximumWattHours = maximumWattHours
    }
}
