/// Why a poll has no value for a quantity of the meter's profile.
public enum QuantityUnavailable: Sendable, Equatable, CustomStringConvertible {
    /// The meter refused the register with exception 2 (illegal data address): this variant lacks it.
    case absent
    /// A float register held NaN.
    case nan
    /// The register held the profile's "not available" marker (all ones, or the signed maximum).
    case marker
    /// The registers could not be turned into a value (the reason says why).
    case undecodable(String)

    public var description: String {
        switch self {
        case .absent: return "not available: exception 2 (the meter has no such register)"
        case .nan: return "NaN from the meter"
        case .marker: return "the meter's \"not available\" marker"
        case .undecodable(let reason): return "not decodable: \(reason)"
        }
    }
}
