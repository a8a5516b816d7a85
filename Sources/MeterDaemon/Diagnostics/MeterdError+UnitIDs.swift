extension MeterdError {
    /// A list of unit ids that does not parse, and why.
    static func unitIDs(_ message: String) -> MeterdError {
        MeterdError(.unitIDs, message)
    }
}
