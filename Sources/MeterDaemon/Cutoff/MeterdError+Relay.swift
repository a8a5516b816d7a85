extension MeterdError {
    /// Why `meterd relay …` did not act, in words for the field engineer.
    static func relay(_ code: RelayCode, _ message: String) -> MeterdError {
        MeterdError(.relay(code), message)
    }
}
