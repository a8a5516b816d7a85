/// A JSON-RPC call that failed: which endpoint, which method, what happened, and what to do about it.
public struct RPCError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Error, Sendable, Equatable {
        /// No connection (refused, DNS, TLS) or a broken HTTP exchange, in words.
        case unreachable(String)
        case timedOut(seconds: Double)
        case httpStatus(Int)
        case responseTooLarge(limit: Int)
        /// The body is not a JSON-RPC response, or the result is not of the expected shape.
        case malformed(String)
        /// The node answered with a JSON-RPC error object.
        case node(code: Int, message: String, data: [UInt8]?)
    }

    public let url: String
    public let method: String
    public let kind: Kind

    public init(url: String, method: String, kind: Kind) {
        self.url = url
        self.method = method
        self.kind = kind
    }

    /// Whether another endpoint may do better: the node was not reached or answered nonsense.
    public var isTransportFailure: Bool {
        if case .node = kind { return false }
        return true
    }

    public var nodeMessage: String? {
        if case .node(_, let message, _) = kind { return message }
        return nil
    }

    /// The revert reason of an `eth_call`/`eth_estimateGas` that reverted (geth's code 3 answer).
    public var revertReason: String? {
        guard case .node(let code, let message, let data) = kind else { return nil }
        guard code == 3 || message.hasPrefix("execution reverted") else { return nil }
        if let data, let reason = RevertReason.decode(data) { return reason }
        if let colon = message.firstRange(of: "execution reverted: ") { return String(message[colon.upperBound...]) }
        return ""
    }

    public var description: String {
        let place = "\(method) at \(url)"
        switch kind {
        case .unreachable(let reason):
            return "\(place): cannot reach the node (\(reason)); check the URL in [chain] rpc_urls, the network and the node"
        case .timedOut(let seconds):
            return "\(place): no complete answer within \(seconds) s; the node is slow or overloaded (raise [chain] request_timeout_ms, or add another rpc_urls entry)"
        case .httpStatus(let status):
            return "\(place): HTTP status \(status); the endpoint is not a working JSON-RPC node (check the URL, its path and any API key)"
        case .responseTooLarge(let limit):
            return "\(place): the answer exceeds \(limit) bytes and was cut off; the node is misbehaving (or raise [chain] max_response_bytes)"
        case .malformed(let reason):
            return "\(place): not a valid JSON-RPC answer (\(reason)); the endpoint is not an Ethereum node or is misbehaving"
        case .node(let code, let message, _):
            return "\(place): the node refused the request (\(code): \(message))"
        }
    }
}

/// Solidity/Vyper `Error(string)` revert data.
public enum RevertReason {
    static let errorString = ABIFunction(name: "Error", inputs: [.string])

    public static func decode(_ data: [UInt8]) -> String? {
        guard data.count >= 4, Array(data.prefix(4)) == errorString.selector,
              let values = try? ABIDecoder.decode(Array(data.dropFirst(4)), as: [.string]),
              case .string(let reason) = values.first else { return nil }
        return reason
    }
}
