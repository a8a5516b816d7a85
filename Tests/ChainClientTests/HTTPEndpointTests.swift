@testable import ChainClient
import Testing

@Suite struct HTTPEndpointTests {
    @Test func urlsAreTakenApart() throws {
        let plain = try HTTPEndpoint("http://127.0.0.1:8545")
        #expect(!plain.secure && plain.host == "127.0.0.1" && plain.port == 8545 && plain.target == "/" && plain.authorization == nil)
        #expect(plain.hostHeader == "127.0.0.1:8545")
        let provider = try HTTPEndpoint("https://node.example.net/v3/key?x=1#ignored")
        #expect(provider.secure && provider.host == "node.example.net" && provider.port == 443 && provider.target == "/v3/key?x=1")
        #expect(provider.hostHeader == "node.example.net")
        let query = try HTTPEndpoint("HTTP://besu.local?token=1")
        #expect(query.target == "/?token=1" && query.port == 80)
        let ipv6 = try HTTPEndpoint("http://[::1]:8545/rpc")
        #expect(ipv6.host == "::1" && ipv6.port == 8545 && ipv6.hostHeader == "[::1]:8545")
        #expect(try HTTPEndpoint("https://[2001:db8::1]/").hostHeader == "[2001:db8::1]")
        #expect(try HTTPEndpoint("https://[2001:db8::1]/").authority == "[2001:db8::1]:443", "CONNECT always names the port")
        // user:password@ becomes HTTP basic authentication; percent escapes are decoded first.
        let credentials = try HTTPEndpoint("https://meter%40site:p%3Ass@rpc.example.org:8443/")
        #expect(credentials.authorization == "Basic bWV0ZXJAc2l0ZTpwOnNz")
        #expect(credentials.host == "rpc.example.org" && credentials.port == 8443)
    }

    @Test func unusableURLsAreRefusedWithTheReason() {
        let refusals = [
            ("ws://127.0.0.1:8546", "only http:// and https:// endpoints are supported"),
            ("127.0.0.1:8545", "127.0.0.1:8545 is not an http:// or https:// URL"),
            ("http://:8545/", "http://:8545/ names no host"),
            ("http://host:0/", "http://host:0/: the port is not a number from 1 to 65535"),
            ("http://host:99999/", "http://host:99999/: the port is not a number from 1 to 65535"),
            ("http://[::1/", "http://[::1/: unclosed [ in the host"),
        ]
        for (url, reason) in refusals {
            #expect(throws: TransportFailure.self) { try HTTPEndpoint(url) }
            do { _ = try HTTPEndpoint(url) } catch { #expect(error.kind == .unreachable(reason), "\(url)") }
        }
    }
}
