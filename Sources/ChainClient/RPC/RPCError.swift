/// A JSON-RPC call that failed: which endpoint, which method, what happened, and what to do about it.
public struct RPCError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Error, Sendable, Equatable {
        /// A setting the transport cannot use: the URL, the CA file, the proxy.
        case badSetting(String)
        /// The node's host name did not resolve, or not within the connect timeout.
        case nameResolution(String)
        /// No TCP connection to the node, or to the proxy in front of it.
        case connection(String)
        /// The TLS handshake or the certificate check failed; OpenSSL's reason in words.
        case tls(String)
        /// The proxy failed or refused.
        case proxy(String)
        /// The answer broke off, or is not valid HTTP.
        case brokenAnswer(String)
        /// Anything else the transport reports, in its words.
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

    init(url: String, method: String, kind: Kind) {
        self.url = url
        self.method = method
        self.kind = kind
    }

    /// Whether another endpoint may do better: the node was not reached or answered nonsense.
    var isTransportFailure: Bool {
        if case .node = kind { return false }
        return true
    }

    var nodeMessage: String? {
        if case .node(_, let message, _) = kind { return message }
        return nil
    }

    /// The revert reason of an `eth_call`/`eth_estimateGas` that reverted (geth's code 3 answer).
    var revertReason: String? {
        guard case .node(let code, let message, let data) = kind else { return nil }
        guard code == 3 || message.hasPrefix("execution reverted") else { return nil }
        if let data, let reason = RevertReason.decode(data) { return reason }
        if let colon = message.firstRange(of: "execution reverted: ") { return String(message[colon.upperBound...]) }
        return ""
    }

    public var description: String {
        let place = "\(method) at \(url)"
        switch kind {
        case .badSetting(let reason):
            return "\(place): cannot be used as configured (\(reason)); check [chain] rpc_urls, ca_file and proxy"
        case .nameResolution(let reason):
            return "\(place): cannot resolve the node's host name (\(reason)); check the host in [chain] rpc_urls and the site's DNS (/etc/resolv.conf)"
        case .connection(let reason):
            return "\(place): cannot connect (\(reason)); check the URL in [chain] rpc_urls, the proxy if one is set ([chain] proxy, https_proxy, http_proxy), the network and that the node runs"
        case .tls(let reason):
            return "\(place): TLS failed (\(reason)); check the node's certificate and its name, the system clock, and [chain] ca_file for a private network's CA"
        case .proxy(let reason):
            return "\(place): the proxy failed (\(reason)); check [chain] proxy (or https_proxy, http_proxy, no_proxy) and its credentials"
        case .brokenAnswer(let reason):
            return "\(place): the node's HTTP answer is broken (\(reason)); the node, or something on the path to it, is misbehaving"
        case .unreachable(let reason):
            return "\(place): cannot reach the node (\(reason)); check the URL in [chain] rpc_urls, the network and the node"
        case .timedOut(let seconds):
            return "\(place): no complete answer within \(seconds) s; the node is slow or overloaded (raise [chain] request_timeout_ms, or add another rpc_urls entry)"
        case .httpStatus(let status):
            let redirect = (300..<400).contains(status) ? " (a redirect: meterd follows none, so write the final URL)" : ""
            return "\(place): HTTP status \(status)\(redirect); the endpoint is not a working JSON-RPC node (check the URL, its path and any API key)"
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
enum RevertReason {
    static let errorString = ABIFunction(name: "Error", inputs: [.string])

    static func decode(_ data: [UInt8]) -> String? {
        guard data.count >= 4, Array(data.prefix(4)) == errorString.selector,
              let values = try? ABIDecoder.decode(Array(data.dropFirst(4)), as: [.string]),
              case .string(let reason) = values.first else { return nil }
        return reason
    }
}
