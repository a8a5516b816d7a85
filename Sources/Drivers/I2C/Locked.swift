import Synchronization

/// Mutable state shared between threads behind a lock, for state that is not Sendable itself.
final class Locked<State>: @unchecked Sendable {
    private let lock = Mutex(())
    private var state: State

    init(_ state: State) {
        self.state = state
    }

    func withLock<Result, Failure: Error>(
        _ body: (inout State) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try lock.withLock { _ throws(Failure) in try body(&state) }
    }
}
