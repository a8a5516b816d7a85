import FoundationEssentials

/// An HTTP proxy between meterd and its node, as sites behind a company firewall have: https://
/// endpoints are reached through a CONNECT tunnel (TLS still runs end to end with the node), http://
/// endpoints by sending the request with its absolute URL to the proxy.
public struct HTTPProxy: Equatable, Sendable {
    let server: HTTPEndpoint
    /// host:port, for messages: never the credentials.
    public let name: String

    /// `url` as `[chain] proxy` or the https_proxy variable give it: http://[user:password@]host[:port],
    /// the scheme optional (port 1080 when absent, as libcurl assumes).
    init(_ url: String) throws(TransportFailure) {
        let lowered = url.lowercased()
        guard !lowered.hasPrefix("https://"), !lowered.hasPrefix("socks") else {
            throw .unreachable("proxy \(url): only http:// proxies are supported (a CONNECT tunnel carries the TLS to the node)")
        }
        let hasScheme = lowered.hasPrefix("http://")
        server = try HTTPEndpoint(hasScheme ? url : "http://" + url, defaultPort: 1080)
        name = server.hostHeader
    }

    /// Why `url` cannot serve as the proxy, or nil: for checking a configuration before it is used.
    public static func problem(with url: String) -> String? {
        do {
            _ = try HTTPProxy(url)
            return nil
        } catch {
            guard case .unreachable(let reason) = error.kind else { return "\(error.kind)" }
            return reason
        }
    }

    /// The proxy requests to `endpoint` go through: `configured` ([chain] proxy) if given, else the
    /// environment's https_proxy / HTTPS_PROXY (https://) or http_proxy (http://; not HTTP_PROXY, which
    /// CGI lets a request set), then all_proxy / ALL_PROXY; none when no_proxy / NO_PROXY names the host.
    static func choose(for endpoint: HTTPEndpoint, configured: String?,
                       environment: (String) -> String?) throws(TransportFailure) -> HTTPProxy? {
        let noProxy = environment("no_proxy") ?? environment("NO_PROXY") ?? ""
        if Self.bypasses(endpoint.host, noProxy: noProxy) { return nil }
        let names = endpoint.secure ? ["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"] : ["http_proxy", "all_proxy", "ALL_PROXY"]
        guard let url = configured ?? names.lazy.compactMap(environment).first(where: { !$0.isEmpty }) else { return nil }
        return try HTTPProxy(url)
    }

    /// no_proxy as curl reads it: "*" for every host, else names matched whole or as a domain suffix
    /// (with or without a leading dot), and literal addresses matched exactly.
    static func bypasses(_ host: String, noProxy: String) -> Bool {
        let host = host.lowercased()
        for entry in noProxy.lowercased().split(separator: ",") {
            var pattern = entry.trimmed()
            if pattern == "*" { return true }
            if pattern.hasPrefix("[") && pattern.hasSuffix("]") { pattern = String(pattern.dropFirst().dropLast()) }
            if pattern.hasPrefix(".") { pattern.removeFirst() }
            guard !pattern.isEmpty else { continue }
            if host == pattern || host.hasSuffix("." + pattern) { return true }
        }
        return false
    }

    /// The request line's target: an http:// request through the proxy names the whole URL.
    func requestTarget(for endpoint: HTTPEndpoint) -> String {
        "http://\(endpoint.hostHeader)\(endpoint.target)"
    }

    var authorizationHeader: String {
        server.authorization.map { "Proxy-Authorization: \($0)\r\n" } ?? ""
    }

    /// Asks the proxy, over `stream`, for a tunnel to `endpoint`; the stream then carries the node's TLS.
    func openTunnel(over stream: ByteStream, to endpoint: HTTPEndpoint, before deadline: ContinuousClock.Instant) throws(TransportFailure) {
        let authority = endpoint.authority
        let request = "CONNECT \(authority) HTTP/1.1\r\nHost: \(authority)\r\n\(authorizationHeader)\r\n"
        try stream.send(Array(request.utf8), before: deadline)
        var reader = HTTPResponseReader(stream: stream, limit: 0, deadline: deadline)
        let status = try reader.readTunnelAnswer()
        guard (200..<300).contains(status) else {
            let hint = status == 407 ? " (the proxy wants credentials: http://user:password@host:port)" : ""
            throw .unreachable("the proxy \(name) refused the tunnel to \(authority): HTTP \(status)\(hint)")
        }
    }
}
