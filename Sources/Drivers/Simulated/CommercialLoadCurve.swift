import FoundationEssentials

/// A commercial site's active power over the day, deterministic from a seed: a night base load,
/// a morning ramp to the working-hours plateau, a lunch dip, an evening fall, lower weekends, and
/// smooth noise (value noise over 5-minute knots) so no two sites look alike.
struct CommercialLoadCurve: Sendable {
    let seed: UInt64
    let peakPower: Double

    init(seed: UInt64, peakPower: Double) {
        self.seed = seed
        self.peakPower = peakPower
    }

    /// Total active power in watts at `time`.
    func power(at time: Date) -> Double {
        let seconds = time.timeIntervalSince1970
        let day = (seconds / 86_400).rounded(.down)
        let hour = (seconds - day * 86_400) / 3600
        // 1 January 1970 was a Thursday: day 0 is weekday 3 counting Monday as 0.
        let weekday = (Int(day) + 3) % 7
        let weekend = weekday >= 5
        let shape = Self.dailyShape(hour: hour) * (weekend ? 0.55 : 1)
        let noise = 1 + 0.08 * smoothNoise(seconds / 300)
        return max(0, peakPower * max(0.18, shape) * noise)
    }

    /// Fraction of peak load by hour of day (UTC).
    static func dailyShape(hour: Double) -> Double {
        func ramp(_ x: Double, from a: Double, to b: Double) -> Double { min(1, max(0, (x - a) / (b - a))) }
        let morning = ramp(hour, from: 6, to: 9)
        let evening = 1 - ramp(hour, from: 17, to: 20)
        let lunchDip = 0.12 * max(0, 1 - abs(hour - 12.5) / 1)
        return 0.25 + 0.7 * morning * evening - lunchDip
    }

    /// Value noise in [-1, 1], continuous in `position`.
    func smoothNoise(_ position: Double) -> Double {
        let knot = position.rounded(.down)
        let fraction = position - knot
        let eased = fraction * fraction * (3 - 2 * fraction)
        let a = knotValue(Int64(knot)), b = knotValue(Int64(knot) + 1)
        return a + (b - a) * eased
    }

    /// A pseudo-random value in [-1, 1] for one knot (SplitMix64's output for seed and knot).
    func knotValue(_ knot: Int64) -> Double {
        let z = SplitMix64.mix(seed &+ UInt64(bitPattern: knot) &* SplitMix64.increment)
        return Double(z >> 11) / Double(1 << 53) * 2 - 1
    }
}
