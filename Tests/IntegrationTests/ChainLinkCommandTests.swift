import Foundation
import Testing

/// The chain link as `meterd chain status` meets it on a site, in a process of its own so the time it
/// takes is its own: hostile answers and a resolver that hangs end within the configured timeouts, and the
/// proxy variables libcurl reads itself apply when [chain] proxy is not set.
@Suite struct ChainLinkCommandTests {
    /// A state directory with a device key and a [chain] section for `rpcURL` (the meter is never asked); the agreement need not exist:
    /// the first call, eth_chainId, is what these tests watch.
    static func site(rpcURL: String) throws -> DaemonProcess {
        try DaemonProcess(configuration: """
            [meterd]
            profile_dirs = ["\(ModbusSimulator.profiles)"]
            [buses.site]
            kind = "modbus-tcp"
            host = "127.0.0.1"
            [meters.main]
            bus = "site"
            unit_id = 1
            profile = "eastron-sdm630"

            [chain]
            rpc_urls = ["\(rpcURL)"]
            chain_id = 1337
            contract = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
            agreement_id = 1
            connect_timeout_ms = 1000
            request_timeout_ms = 3000
            """)
    }

    static func chainStatus(_ site: DaemonProcess, environment: [String: String]) throws -> (status: Int32, output: String, seconds: Double) {
        let started = Date()
        let run = try DaemonProcess.meterd(["chain", "status", "--config", site.configuration, "--key", site.key], environment: environment)
        return (run.status, run.output, Date().timeIntervalSince(started))
    }

    /// The shim of Tests/Peers/slow_resolver.c, built for this test.
    static func slowResolver(in directory: URL) throws -> String {
        let library = directory.appendingPathComponent("slow_resolver.so").path
        let compiler = ["/usr/bin/cc", "/usr/bin/gcc"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "clang"
        let build = try ChildProcess.run("/usr/bin/env", [compiler, "-shared", "-fPIC", "-o", library, ChildProcess.peer("slow_resolver.c"), "-ldl"])
        guard build.status == 0 else { throw DevChain.Failure(description: "cannot build the resolver shim: \(build.output)") }
        return library
    }

    @Test func aResolverSlowerThanTheConnectTimeoutIsNamedAndBoundedByIt() async throws {
        let node = try HostileRPCServer()
        defer { node.stop() }
        let site = try Self.site(rpcURL: "http://node.slow.test:\(node.port)/ok")
        let shim = try Self.slowResolver(in: site.state)

        let hung = try Self.chainStatus(site, environment: ["LD_PRELOAD": shim, "METERD_TEST_RESOLVER_DELAY_MS": "8000"])
        #expect(hung.status == 1)
        #expect(hung.output.contains("cannot resolve the node's host name (Resolving timed out after 10"), "\(hung.output)")
        #expect(hung.seconds < 6, "the 8 s resolver held meterd \(hung.seconds) s past its 1 s connect timeout")

        // The shim is really in the path: a resolver within the timeout reaches the node.
        let slowButInTime = try Self.chainStatus(site, environment: ["LD_PRELOAD": shim, "METERD_TEST_RESOLVER_DELAY_MS": "300"])
        #expect(slowButInTime.output.contains("chain id:    1337"), "\(slowButInTime.output)")
    }

    @Test func everyBrokenAnswerEndsWithinTheRequestTimeoutInAPlainMessage() async throws {
        let node = try HostileRPCServer()
        defer { node.stop() }
        for (path, _, words) in ChainHTTPFramingTests.brokenAnswers {
            let site = try Self.site(rpcURL: node.url(path))
            let run = try Self.chainStatus(site, environment: [:])
            #expect(run.status == 1, "\(path): \(run.output)")
            #expect(run.output.contains(words) && run.output.contains(node.url(path)), "\(path): \(run.output)")
            #expect(run.seconds < 3 + 3, "\(path) took \(run.seconds) s with a 3 s request timeout")
        }
    }

    @Test func theProxyVariablesAreHonouredWhenNoProxyIsConfigured() async throws {
        let node = try HostileRPCServer()
        defer { node.stop() }
        let proxy = try ForwardProxy(routes: ["node.invalid:8545": "127.0.0.1:\(node.port)"])
        defer { proxy.stop() }
        let site = try Self.site(rpcURL: "http://node.invalid:8545/ok")

        let proxied = try Self.chainStatus(site, environment: ["http_proxy": "http://127.0.0.1:\(proxy.port)", "no_proxy": ""])
        #expect(proxied.output.contains("chain id:    1337"), "\(proxied.output)")
        #expect(proxy.log.contains("POST http://node.invalid:8545/ok -"))

        let bypassed = try Self.chainStatus(site, environment: ["http_proxy": "http://127.0.0.1:\(proxy.port)", "no_proxy": "node.invalid"])
        #expect(bypassed.status == 1)
        #expect(bypassed.output.contains("cannot resolve the node's host name"), "\(bypassed.output)")
    }
}
