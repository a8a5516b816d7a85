@testable import ChainClient
import Foundation

/// Forwards to a real endpoint, except that the methods in `failing` fail as if the network dropped:
/// how a test makes a crash land between "persisted" and "sent", or makes a client fail over.
final class FlakyTransport: JSONRPCTransport, @unchecked Sendable {
    private let inner: CurlTransport
    private let lock = NSLock()
    private var failingMethods: Set<String>

    init(url: String, failing: Set<String>) {
        inner = CurlTransport(url: url)
        failingMethods = failing
    }

    var url: String { inner.url }

    /// From now on these methods fail too.
    func fail(_ methods: Set<String>) { lock.withLock { failingMethods.formUnion(methods) } }

    func post(_ body: [UInt8]) async -> Result<[UInt8], ChainClientError> {
        let method = (try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])?["method"] as? String ?? ""
        if lock.withLock({ failingMethods.contains(method) }) { return .failure(.unreachable("connection reset (test)")) }
        return await inner.post(body)
    }
}
