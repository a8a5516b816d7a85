/// Keeps spurious values of cumulative energy registers from being taken as consumption.
///
/// A cumulative register only grows. A reading where one drops to zero, or steps back by more than
/// the register's resolution, is a glitch (a meter mid-update, a garbled frame that passed the
/// CRC, a variant answering junk): that quantity is removed from the reading and the last good
/// value stays the reference, so the next good reading carries the whole consumption.
public struct EnergyRegisterGuard: Sendable {
    public struct Rejection: Sendable, Equatable, CustomStringConvertible {
        var meter: String
        public var quantity: Quantity
        public var previous: Int64
        var rejected: Int64

        public var description: String {
            let kind = rejected == 0 ? "a spurious zero" : "a backwards step"
            return "\(meter): \(quantity.rawValue) rejected as \(kind): \(rejected) mWh after \(previous) mWh"
        }
    }

    private var accepted: [Quantity: Int64] = [:]

    public init() {}

    public mutating func admit(_ reading: Reading) -> (reading: Reading, rejections: [Rejection]) {
        var reading = reading
        var rejections: [Rejection] = []
        for (quantity, value) in reading.energy where quantity.isCumulativeEnergy {
            if let previous = accepted[quantity] {
                let spuriousZero = value.milliwattHours == 0 && previous > value.resolutionMilliwattHours
                let backwards = value.milliwattHours < previous - value.resolutionMilliwattHours
                if spuriousZero || backwards {
                    rejections.append(Rejection(meter: reading.meter, quantity: quantity, previous: previous, rejected: value.milliwattHours))
                    reading.energy[quantity] = nil
                    continue
                }
            }
            accepted[quantity] = max(value.milliwattHours, accepted[quantity] ?? .min)
        }
        return (reading, rejections)
    }
}
