import ChainClient
import Testing

/// The configuration check refuses, by libcurl's own URL parser, what the transport would refuse.
@Suite struct TransportURLTests {
    @Test(arguments: ["http://127.0.0.1:8545", "https://node.example/v3/KEY", "http://[::1]:8545/", "https://user:secret@node.example"])
    func nodeURLsTheTransportTakes(url: String) {
        #expect(TransportURL.problemWithEndpoint(url) == nil)
    }

    @Test func nodeURLsItRefusesAreNamedWithTheReason() {
        #expect(TransportURL.problemWithEndpoint("127.0.0.1:8545")?.hasPrefix("\"127.0.0.1:8545\" is not an http:// or https:// URL") == true)
        #expect(TransportURL.problemWithEndpoint("ws://node.example:8546") == "\"ws://node.example:8546\" is not an http:// or https:// URL (scheme ws)")
        #expect(TransportURL.problemWithEndpoint("http://node.example:99999")?.contains("Port number") == true)
        #expect(TransportURL.problemWithEndpoint("http://") != nil)
    }

    @Test(arguments: ["http://proxy.example:3128", "proxy.example:3128", "https://proxy.example", "socks5h://user:pw@10.0.0.1:1080"])
    func proxiesLibcurlKnows(url: String) {
        #expect(TransportURL.problemWithProxy(url) == nil)
    }

    @Test func aProxySchemeLibcurlCannotUseIsRefused() {
        #expect(TransportURL.problemWithProxy("ftp://proxy.example") == "\"ftp://proxy.example\" is not an http://, https://, socks4:// or socks5:// proxy URL (scheme ftp)")
    }
}
