extension MeterdError {
    /// Why `meterd run` stops before it runs.
    static func start(_ code: StartCode, _ message: String) -> MeterdError {
        MeterdError(.start(code), message)
    }

    static func metrics(_ message: String) -> MeterdError {
        MeterdError(.metrics, message)
    }
}
