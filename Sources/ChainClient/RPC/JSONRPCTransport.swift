/// Carries one JSON-RPC request body to one endpoint and returns the response body.
protocol JSONRPCTransport: Sendable {
    /// The endpoint, for messages (any credentials in it are shown as given).
    var url: String { get }

    /// Posts `body` and returns the complete response body, or the transport's failure.
    func post(_ body: [UInt8]) async -> Result<[UInt8], ChainClientError>
}

/// Limits every transport keeps, from [chain] in meterd.toml.
public struct TransportLimits: Sendable, Equatable {
    var connectTimeout: Double
    var requestTimeout: Double
    /// Larger responses are cut off and reported, so a hostile node cannot exhaust memory.
    var maximumResponseBytes: Int
    /// A PEM file of CA certificates to trust instead of the system store (a private network's own CA).
    var caFile: String?
    /// A proxy for every endpoint (http://, https://, socks4://, socks5://, socks5h://, credentials in the
    /// URL); nil leaves it to libcurl's reading of http_proxy, https_proxy, all_proxy and no_proxy.
    var proxy: String?

    public init(connectTimeout: Double = 5, requestTimeout: Double = 20, maximumResponseBytes: Int = 8 << 20, caFile: String? = nil,
                proxy: String? = nil) {
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.maximumResponseBytes = maximumResponseBytes
        self.caFile = caFile
        self.proxy = proxy
    }
}
