import ChainClient
import Testing

/// JSON-RPC through a company's HTTP proxy. The node's host name, node.invalid, resolves nowhere: an
/// answer proves the request went through the proxy, which alone knows where that name leads.
@Suite struct ChainProxyTests {
    static func limits(proxy: String, caFile: String? = nil) -> TransportLimits {
        TransportLimits(connectTimeout: 1, requestTimeout: 5, maximumResponseBytes: 1 << 20, caFile: caFile, proxy: proxy)
    }

    @Test func anHTTPEndpointIsAskedForByItsWholeURLAndTheConnectionKept() async throws {
        let node = try HostileRPCServer()
        defer { node.stop() }
        let proxy = try ForwardProxy(routes: ["node.invalid:8545": "127.0.0.1:\(node.port)"])
        defer { proxy.stop() }
        let rpc = RPCClient(urls: ["http://node.invalid:8545/ok"], limits: Self.limits(proxy: "127.0.0.1:\(proxy.port)"))
        #expect(try await rpc.chainID() == 1337)
        #expect(try await rpc.chainID() == 1337)
        #expect(proxy.log == ["connection", "POST http://node.invalid:8545/ok -", "POST http://node.invalid:8545/ok -"])
    }

    @Test func anHTTPSEndpointIsReachedThroughATunnelWithTheNodesCertificateChecked() async throws {
        let tls = try TLSMaterial()
        defer { tls.remove() }
        let node = try HostileRPCServer(certificate: tls.file("nodeinvalid.pem"), key: tls.key)
        defer { node.stop() }
        let proxy = try ForwardProxy(credentials: "meter:s3cret", routes: ["node.invalid:443": "127.0.0.1:\(node.port)"])
        defer { proxy.stop() }
        let url = "https://node.invalid/ok"

        let admitted = RPCClient(urls: [url], limits: Self.limits(proxy: "http://meter:s3cret@127.0.0.1:\(proxy.port)", caFile: tls.file("ca.pem")))
        #expect(try await admitted.chainID() == 1337)
        #expect(proxy.log == ["connection", "CONNECT node.invalid:443 Basic bWV0ZXI6czNjcmV0"])

        // TLS runs end to end: the node's certificate is still checked behind the tunnel.
        let untrusting = RPCClient(urls: [url], limits: Self.limits(proxy: "http://meter:s3cret@127.0.0.1:\(proxy.port)"))
        await #expect { try await untrusting.chainID() } throws: { error in
            guard case .tls(let reason) = (error as? ChainClientError)?.code else { return false }
            return reason.contains("unable to get local issuer certificate")
        }

        let anonymous = RPCClient(urls: [url], limits: Self.limits(proxy: "http://127.0.0.1:\(proxy.port)", caFile: tls.file("ca.pem")))
        await #expect { try await anonymous.chainID() } throws: { error in
            (error as? ChainClientError)?.code == .proxy("it answered HTTP 407: it wants credentials (http://user:password@host:port)")
        }
    }

    @Test func aProxyThatIsDownOrCannotReachTheNodeIsNamedAsTheCause() async throws {
        let down = RPCClient(urls: ["https://node.invalid/"], limits: Self.limits(proxy: "http://127.0.0.1:1"))
        await #expect { try await down.chainID() } throws: { error in
            guard case .connection(let reason) = (error as? ChainClientError)?.code else { return false }
            return reason.contains("127.0.0.1 port 1")
        }
        let proxy = try ForwardProxy(routes: [:])
        defer { proxy.stop() }
        let nowhere = RPCClient(urls: ["https://node.invalid/"], limits: Self.limits(proxy: "http://127.0.0.1:\(proxy.port)"))
        await #expect { try await nowhere.chainID() } throws: { error in
            (error as? ChainClientError)?.code == .proxy("it refused the tunnel to the node: HTTP 502")
        }
    }
}
