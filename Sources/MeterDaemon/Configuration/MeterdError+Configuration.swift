extension MeterdError {
    /// Every problem found in one pass, so a field engineer fixes them all at once.
    static func configuration(_ problems: [ConfigurationProblem]) -> MeterdError {
        MeterdError(.configuration, problems.map(\.description).joined(separator: "\n"), problems: problems)
    }
}
