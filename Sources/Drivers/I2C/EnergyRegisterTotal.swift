/// The energy counted by a chip's energy register since the driver was constructed, kept as an exact
/// integer count of register steps (LSBs) and converted to milliwatt-hours only when read.
///
/// Converting the exact count on every read (rather than adding converted deltas) keeps the total
/// free of float drift however long the daemon runs, and monotonic: it never goes down.
struct EnergyRegisterTotal: Sendable, Equatable {
    let milliwattHoursPerLSB: Double
    private(set) var lsbCount: UInt64 = 0

    init(milliwattHoursPerLSB: Double) {
        self.milliwattHoursPerLSB = milliwattHoursPerLSB
    }

    mutating func add(lsb: UInt64) {
        lsbCount += lsb
    }

    var milliwattHours: Int64 {
        Int64((Double(lsbCount) * milliwattHoursPerLSB).rounded(.down))
    }

    /// One step of the reported total: an LSB, or 1 mWh when an LSB is finer than the integer unit.
    var resolutionMilliwattHours: Int64 {
        max(1, Int64(milliwattHoursPerLSB.rounded(.up)))
    }
}
