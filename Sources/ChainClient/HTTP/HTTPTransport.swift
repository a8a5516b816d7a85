import Dispatch
import Glibc

/// JSON-RPC over HTTP/1.1 or HTTPS (OpenSSL): one kept-alive connection per endpoint, TLS verified
/// against the system CA store (or a configured CA file), connect and total timeouts, the response
/// body capped while it arrives. Its own small client rather than libcurl, which would bring LDAP,
/// Kerberos, SSH, RTMP and a second TLS library into the daemon's address space.
///
/// Calls to one endpoint are serialised on its own queue, so a blocking exchange never occupies a
/// Swift concurrency thread.
public final class HTTPTransport: JSONRPCTransport, @unchecked Sendable {
    public let url: String
    private let limits: TransportLimits
    private let queue: DispatchQueue
    private let endpoint: Result<HTTPEndpoint, TransportFailure>
    private let proxy: Result<HTTPProxy?, TransportFailure>
    private var tls: TLSContext?
    private var connection: ByteStream?

    public init(url: String, limits: TransportLimits = TransportLimits()) {
        self.url = url
        self.limits = limits
        queue = DispatchQueue(label: "meterd.rpc.\(url)")
        let endpoint = Result { () throws(TransportFailure) in try HTTPEndpoint(url) }
        self.endpoint = endpoint
        proxy = Result { () throws(TransportFailure) in
            try HTTPProxy.choose(for: endpoint.get(), configured: limits.proxy) { name in getenv(name).map { String(cString: $0) } }
        }
    }

    public func post(_ body: [UInt8]) async -> Result<[UInt8], RPCError.Kind> {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: self.exchange(body)) }
        }
    }

    private func exchange(_ body: [UInt8]) -> Result<[UInt8], RPCError.Kind> {
        let deadline = ContinuousClock.now + .milliseconds(Int64(limits.requestTimeout * 1000))
        do throws(TransportFailure) {
            let endpoint = try endpoint.get()
            let proxy = try proxy.get()
            let request = Self.request(body, to: endpoint, via: proxy)
            // A kept-alive connection the node has closed meanwhile fails before any answer
            // arrives; the request then goes once more on a new connection.
            while true {
                let reused = connection != nil
                let stream: ByteStream
                if let kept = connection { stream = kept } else { stream = try open(endpoint, via: proxy, before: deadline) }
                connection = nil
                var reader = HTTPResponseReader(stream: stream, limit: limits.maximumResponseBytes, deadline: deadline)
                let response: HTTPResponseReader.Response
                do throws(TransportFailure) {
                    try stream.send(request, before: deadline)
                    response = try reader.read()
                } catch where reused && !reader.receivedAnything && !deadline.hasPassed {
                    continue
                }
                if response.reusable { connection = stream }
                guard (200..<300).contains(response.status) else { return .failure(.httpStatus(response.status)) }
                return .success(response.body)
            }
        } catch {
            return .failure(error.kind)
        }
    }

    private func open(_ endpoint: HTTPEndpoint, via proxy: HTTPProxy?,
                      before deadline: ContinuousClock.Instant) throws(TransportFailure) -> ByteStream {
        let connectDeadline = min(deadline, ContinuousClock.now + .milliseconds(Int64(limits.connectTimeout * 1000)))
        let server = proxy?.server ?? endpoint
        let tcp: TCPConnection
        do throws(TransportFailure) {
            tcp = try TCPConnection.connect(host: server.host, port: server.port, before: connectDeadline,
                                            connectSeconds: limits.connectTimeout, timeoutSeconds: limits.requestTimeout)
        } catch {
            guard proxy != nil, case .unreachable(let reason) = error.kind else { throw error }
            throw .unreachable("the proxy: \(reason)")
        }
        guard endpoint.secure else { return tcp }
        try proxy?.openTunnel(over: tcp, to: endpoint, before: deadline)
        if tls == nil { tls = try TLSContext(caFile: limits.caFile) }
        return try TLSConnection(over: tcp, host: endpoint.host, context: tls!, before: deadline)
    }

    private static func request(_ body: [UInt8], to endpoint: HTTPEndpoint, via proxy: HTTPProxy?) -> [UInt8] {
        let forwarded = endpoint.secure ? nil : proxy
        var head = "POST \(forwarded?.requestTarget(for: endpoint) ?? endpoint.target) HTTP/1.1\r\nHost: \(endpoint.hostHeader)\r\n"
        head += forwarded?.authorizationHeader ?? ""
        head += "Content-Type: application/json\r\nAccept: application/json\r\n"
        if let authorization = endpoint.authorization { head += "Authorization: \(authorization)\r\n" }
        head += "Content-Length: \(body.count)\r\n\r\n"
        return Array(head.utf8) + body
    }
}
