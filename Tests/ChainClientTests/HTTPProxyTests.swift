@testable import ChainClient
import Testing

@Suite struct HTTPProxyTests {
    func chosen(for url: String, configured: String? = nil, _ environment: [String: String]) throws -> String? {
        try HTTPProxy.choose(for: HTTPEndpoint(url), configured: configured) { environment[$0] }?.name
    }

    @Test func theVariablesAreReadAsCurlReadsThem() throws {
        let environment = ["https_proxy": "http://secure.proxy:3128", "http_proxy": "plain.proxy:8080"]
        #expect(try chosen(for: "https://node.example/", environment) == "secure.proxy:3128")
        #expect(try chosen(for: "http://node.example/", environment) == "plain.proxy:8080")
        #expect(try chosen(for: "https://node.example/", ["HTTPS_PROXY": "upper.proxy:3128"]) == "upper.proxy:3128")
        // HTTP_PROXY in capitals can be set by a web request's Proxy header under CGI: curl ignores it, and so does meterd.
        #expect(try chosen(for: "http://node.example/", ["HTTP_PROXY": "attacker.example:80"]) == nil)
        #expect(try chosen(for: "http://node.example/", ["ALL_PROXY": "every.proxy"]) == "every.proxy:1080")
        #expect(try chosen(for: "https://node.example/", ["https_proxy": ""]) == nil)
        #expect(try chosen(for: "https://node.example/", [:]) == nil)
        // The configured proxy wins over the environment.
        #expect(try chosen(for: "https://node.example/", configured: "http://site.proxy:3128", environment) == "site.proxy:3128")
    }

    @Test func noProxyNamesHostsDomainsAndAddresses() throws {
        let environment = ["https_proxy": "proxy:3128", "no_proxy": "localhost, .lan,besu.example ,[::1],10.0.0.5"]
        for bypassed in ["https://localhost:8545", "https://node.lan/", "https://besu.example/", "https://rpc.besu.example/",
                         "https://[::1]:8545/", "https://10.0.0.5:8545/"] {
            #expect(try chosen(for: bypassed, environment) == nil, "\(bypassed)")
        }
        for proxied in ["https://notbesu.example/", "https://wlan/x", "https://10.0.0.50/", "https://mainnet.example/"] {
            #expect(try chosen(for: proxied, environment) == "proxy:3128", "\(proxied)")
        }
        #expect(try chosen(for: "https://anything/", ["https_proxy": "proxy:3128", "NO_PROXY": "*"]) == nil)
        #expect(try chosen(for: "https://node.lan/", configured: "http://proxy:3128", ["no_proxy": ".lan"]) == nil)
    }

    @Test func credentialsGoToTheProxyOnlyAndNeverIntoItsName() throws {
        let proxy = try HTTPProxy("http://meter%40site:p%3Ass@proxy.example:3128")
        #expect(proxy.name == "proxy.example:3128")
        #expect(proxy.authorizationHeader == "Proxy-Authorization: Basic bWV0ZXJAc2l0ZTpwOnNz\r\n")
        #expect(try HTTPProxy("proxy.example").authorizationHeader == "")
        #expect(proxy.requestTarget(for: try HTTPEndpoint("http://[::1]:8545/rpc?x=1")) == "http://[::1]:8545/rpc?x=1")
    }

    @Test func proxiesMeterdCannotUseAreRefusedWithTheReason() {
        #expect(HTTPProxy.problem(with: "http://proxy.example:3128") == nil)
        #expect(HTTPProxy.problem(with: "socks5://proxy.example:1080")
                == "proxy socks5://proxy.example:1080: only http:// proxies are supported (a CONNECT tunnel carries the TLS to the node)")
        #expect(HTTPProxy.problem(with: "https://proxy.example") != nil)
        #expect(HTTPProxy.problem(with: "http://proxy.example:99999") == "http://proxy.example:99999: the port is not a number from 1 to 65535")
    }
}
