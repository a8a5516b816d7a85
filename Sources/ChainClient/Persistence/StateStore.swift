import Synchronization

/// Where the chain client keeps what must survive a restart (pending transactions and nonce, the event
/// cursor). The daemon points a `FileStateStore` at its state directory; tests may use `MemoryStateStore`.
public protocol StateStore<Value>: Sendable {
    associatedtype Value: Codable & Sendable
    /// nil when nothing was saved yet.
    func load() throws -> Value?
    /// Returns only once the value is durable.
    func save(_ value: Value) throws
}

/// A store in memory: lost with the process, which is what a test of "restart with the same state"
/// shares between two instances.
public final class MemoryStateStore<Value: Codable & Sendable>: StateStore, Sendable {
    private let value = Mutex<Value?>(nil)
    private let saves = Mutex(0)

    public init(_ initial: Value? = nil) { value.withLock { $0 = initial } }

    public func load() throws -> Value? { value.withLock { $0 } }
    public func save(_ newValue: Value) throws {
        value.withLock { $0 = newValue }
        saves.withLock { $0 += 1 }
    }

    /// How often `save` was called.
    var saveCount: Int { saves.withLock { $0 } }
}
