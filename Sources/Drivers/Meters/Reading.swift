import FoundationEssentials

/// A cumulative energy register's value, in integer milliwatt-hours.
///
/// `resolutionMilliwattHours` is the size of one step of the register at its current value: a
/// float32 kWh register at 1,000,000 kWh steps in 62.5 Wh, an integer register by its scale.
public struct EnergyValue: Sendable, Equatable, Hashable {
    public var milliwattHours: Int64
    public var resolutionMilliwattHours: Int64

    public init(milliwattHours: Int64, resolutionMilliwattHours: Int64) {
        self.milliwattHours = milliwattHours
        self.resolutionMilliwattHours = resolutionMilliwattHours
    }

    public var kilowattHours: Double { Double(milliwattHours) / 1_000_000 }
}

/// One poll of one meter: what it measured, at the moment the poll completed.
///
/// A quantity the meter does not have (its variant lacks the register, or it answered "not
/// available") is absent from both maps, never zero; `unavailable` says why, where the driver knows.
public struct Reading: Sendable, Equatable {
    public var meter: String
    public var time: Date
    public var values: [Quantity: Double]
    public var energy: [Quantity: EnergyValue]
    /// Quantities of the meter's profile that this poll has no value for, and why. Not journaled.
    public var unavailable: [Quantity: QuantityUnavailable]

    public init(meter: String, time: Date, values: [Quantity: Double] = [:], energy: [Quantity: EnergyValue] = [:],
                unavailable: [Quantity: QuantityUnavailable] = [:]) {
        self.meter = meter
        self.time = time
        self.values = values
        self.energy = energy
        self.unavailable = unavailable
    }
}
