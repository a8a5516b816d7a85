/// SplitMix64: a small generator whose sequence depends on its seed alone, so a simulated load or a
/// randomised test that went wrong is replayed from the seed it printed.
struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64

    init(state: UInt64) {
        self.state = state
    }

    mutating func next() -> UInt64 {
        state &+= Self.increment
        return Self.mix(state)
    }

    /// The generator's output function: a well-spread 64-bit value for any input.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static let increment: UInt64 = 0x9E37_79B9_7F4A_7C15
}
