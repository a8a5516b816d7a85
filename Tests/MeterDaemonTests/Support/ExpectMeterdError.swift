import Testing
@testable import MeterDaemon

/// Expects `body` to throw a `MeterdError` that `isExpected` accepts: an area of `code`, or one of
/// the type's classifications (`\.isJournalRefusal`, `\.isJournalDamage`, …).
@discardableResult
func expectMeterdError<R>(_ isExpected: (MeterdError) -> Bool, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation,
                          performing body: () throws -> R) -> MeterdError? {
    let error = #expect(throws: MeterdError.self, comment, sourceLocation: sourceLocation) { try body() }
    if let error { #expect(isExpected(error), "\(error)", sourceLocation: sourceLocation) }
    return error
}

@discardableResult
func expectMeterdError<R>(_ isExpected: (MeterdError) -> Bool, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation,
                          performing body: () async throws -> R) async -> MeterdError? {
    let error = await #expect(throws: MeterdError.self, comment, sourceLocation: sourceLocation) { try await body() }
    if let error { #expect(isExpected(error), "\(error)", sourceLocation: sourceLocation) }
    return error
}

extension MeterdError {
    /// Any error of the device key file.
    var isKeyError: Bool {
        if case .key = code { return true }
        return false
    }

    /// Any error of a `meterd relay` command.
    var isRelayError: Bool {
        if case .relay = code { return true }
        return false
    }
}
