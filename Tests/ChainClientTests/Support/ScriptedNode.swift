@testable import ChainClient
import Foundation

/// A JSON-RPC endpoint in memory whose answers a test writes: `answer(method, params)` returns the
/// result. Counts the calls per method.
final class ScriptedNode: JSONRPCTransport, @unchecked Sendable {
    let url: String
    private let lock = NSLock()
    private var answer: (String, [JSONValue]) -> JSONValue
    private(set) var calls: [String] = []

    init(url: String = "scripted://node", _ answer: @escaping (String, [JSONValue]) -> JSONValue) {
        self.url = url
        self.answer = answer
    }

    func replace(_ answer: @escaping (String, [JSONValue]) -> JSONValue) { lock.withLock { self.answer = answer } }

    func post(_ body: [UInt8]) async -> Result<[UInt8], ChainClientError> {
        guard let request = try? JSONParser.parse(body), case .string(let method)? = request["method"],
              case .array(let params)? = request["params"], let id = request["id"] else {
            return .failure(.malformed("bad request"))
        }
        let result = lock.withLock { () -> JSONValue in
            calls.append(method)
            return answer(method, params)
        }
        if result == Self.unreachable { return .failure(.unreachable("scripted as unreachable")) }
        var response = JSONValue.object(["jsonrpc": .string("2.0"), "id": id, "result": result])
        if case .object(let members) = result, let error = members["__error"] {
            response = .object(["jsonrpc": .string("2.0"), "id": id, "error": error])
        }
        return .success(Array(response.description.utf8))
    }

    /// An answer that is no answer: the endpoint cannot be reached, and the client fails over.
    static let unreachable = JSONValue.object(["__unreachable": .bool(true)])

    /// An answer that is a JSON-RPC error object instead of a result.
    static func error(_ code: Int, _ message: String) -> JSONValue {
        .object(["__error": .object(["code": .number(String(code)), "message": .string(message)])])
    }

    static func quantity(_ value: UInt64) -> JSONValue { .string("0x" + String(value, radix: 16)) }
    static func hash(_ seed: UInt64) -> JSONValue { .string(Hex.encode(Keccak256.hash(Array(String(seed).utf8)))) }
}
