/// Where the open slot is heading against its interval (docs/slot-guard.md). With E the energy so far,
/// F = E + P·t the projection (P the recent power, t the time left) and Pmax the site's highest
/// plausible power, checked in this order:
enum SlotGuardState: String, Sendable, Codable, CaseIterable {
    /// E > maximum: the slot violates whatever the site does now.
    case over
    /// E + Pmax·t < minimum: even at the highest plausible power the minimum cannot be reached.
    case underUnreachable = "under-unreachable"
    /// F > maximum: at the recent power the slot ends above its interval.
    case headingOver = "heading-over"
    /// F < minimum: at the recent power the slot ends below its interval.
    case headingUnder = "heading-under"
    /// minimum ≤ F ≤ maximum.
    case inside
}
