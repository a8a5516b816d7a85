import Synchronization

/// JSON-RPC 2.0 calls over one or more endpoints with failover: a call goes to the endpoint that
/// answered last; when it cannot be reached or answers nonsense, the next one is tried. An error the
/// node itself returns (a JSON-RPC error object) is final: another node would say the same.
public final class RPCClient: Sendable {
    let endpoints: [any JSONRPCTransport]
    private let state = Mutex<(preferred: Int, nextID: Int, calls: [String: Int])>((0, 1, [:]))

    init(endpoints: [any JSONRPCTransport]) {
        precondition(!endpoints.isEmpty, "an RPC client needs at least one endpoint")
        self.endpoints = endpoints
    }

    public convenience init(urls: [String], limits: TransportLimits = TransportLimits()) {
        self.init(endpoints: urls.map { CurlTransport(url: $0, limits: limits) })
    }

    /// The endpoint the last successful call went to.
    var currentURL: String { endpoints[state.withLock { $0.preferred }].url }

    /// Calls made so far, per method (every attempt counts, failovers included).
    public var callCounts: [String: Int] { state.withLock { $0.calls } }

    public func call(_ method: String, _ params: [JSONValue] = []) async throws(ChainClientError) -> JSONValue {
        let (first, id) = state.withLock { state -> (Int, Int) in
            defer { state.nextID += 1 }
            return (state.preferred, state.nextID)
        }
        let body = Array(JSONValue.object([
            "jsonrpc": .string("2.0"), "id": .number(String(id)), "method": .string(method), "params": .array(params),
        ]).description.utf8)
        var lastError: ChainClientError?
        for step in 0..<endpoints.count {
            let index = (first + step) % endpoints.count
            let endpoint = endpoints[index]
            state.withLock { $0.calls[method, default: 0] += 1 }
            do {
                let result = try await attempt(endpoint, method: method, body: body, id: id)
                state.withLock { $0.preferred = index }
                return result
            } catch {
                if !error.isTransportFailure {
                    state.withLock { $0.preferred = index }
                    throw error
                }
                lastError = error
            }
        }
        throw lastError!
    }

    private func attempt(_ endpoint: any JSONRPCTransport, method: String, body: [UInt8], id: Int) async throws(ChainClientError) -> JSONValue {
        func failure(_ error: ChainClientError) -> ChainClientError { error.during(method, at: endpoint.url) }
        let bytes: [UInt8]
        switch await endpoint.post(body) {
        case .success(let received): bytes = received
        case .failure(let error): throw failure(error)
        }
        let response: JSONValue
        do { response = try JSONParser.parse(bytes) } catch { throw failure(.malformed(error.description)) }
        guard case .object = response else { throw failure(.malformed("the response is not a JSON object")) }
        guard response["id"] == .number(String(id)) else { throw failure(.malformed("the response answers another request id")) }
        if let error = response["error"], !error.isNull {
            guard case .number(let codeText) = error["code"], let code = Int(codeText),
                  case .string(let message) = error["message"] else {
                throw failure(.malformed("the error object has no numeric code and text message"))
            }
            var data: [UInt8]?
            if case .string(let text) = error["data"] { data = try? Hex.decode(text) }
            throw failure(.node(code: code, message: message, data: data))
        }
        guard let result = response["result"] else { throw failure(.malformed("the response has neither result nor error")) }
        return result
    }
}
