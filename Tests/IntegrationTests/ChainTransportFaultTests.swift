@testable import ChainClient
import Foundation
import Testing

/// JSON-RPC over HTTP against endpoints that fail in every way a field network can: each failure
/// is a typed error naming the URL and the method, never a crash, a hang or unbounded memory.
@Suite struct ChainTransportFaultTests {
    static let limits = TransportLimits(connectTimeout: 1, requestTimeout: 4, maximumResponseBytes: 1 << 20)

    func client(_ urls: [String]) -> RPCClient { RPCClient(urls: urls, limits: Self.limits) }

    func failure(_ url: String) async -> ChainClientError? { await TransportProbe(url, limits: Self.limits).error }

    @Test func everyMisbehaviourIsATypedErrorNamingURLAndMethod() async throws {
        let server = try HostileRPCServer()
        defer { server.stop() }
        let closed = "http://127.0.0.1:1/"
        let cases: [(String, @Sendable (ChainClientError.Code) -> Bool)] = [
            (closed, { if case .connection(let why) = $0 { return why.contains("127.0.0.1 port 1") }; return false }),
            (server.url("500"), { $0 == .httpStatus(500) }),
            (server.url("malformed"), { if case .malformed(let why) = $0 { return why.contains("malformed JSON") }; return false }),
            (server.url("huge"), { $0 == .responseTooLarge(limit: 1 << 20) }),
            (server.url("slow"), { $0 == .timedOut(seconds: 4) }),
            (server.url("wrongtype"), { if case .malformed(let why) = $0 { return why.contains("not a hex quantity") }; return false }),
            (server.url("missing"), { if case .malformed(let why) = $0 { return why.contains("neither result nor error") }; return false }),
            (server.url("wrongid"), { if case .malformed(let why) = $0 { return why.contains("another request id") }; return false }),
            (server.url("overflow"), { if case .malformed(let why) = $0 { return why.contains("64 bits") }; return false }),
            (server.url("nested"), { if case .malformed(let why) = $0 { return why.contains("nested deeper") }; return false }),
            (server.url("error"), { $0 == .node(code: -32601, message: "the method is not available", data: nil) }),
        ]
        for (url, matches) in cases {
            let error = await failure(url)
            #expect(error.map { matches($0.code) } == true, "\(url): \(String(describing: error))")
            #expect(error?.url == url && error?.method == "eth_chainId")
            #expect(error?.description.contains(url) == true && error?.description.contains("eth_chainId") == true)
        }
        // A healthy answer from the same server still works afterwards.
        #expect(try await client([server.url("ok")]).chainID() == 1337)
    }

    @Test func failoverSkipsBrokenEndpointsAndStaysOnTheOneThatAnswers() async throws {
        let server = try HostileRPCServer()
        defer { server.stop() }
        let rpc = client(["http://127.0.0.1:1/", server.url("500"), server.url("ok")])
        #expect(try await rpc.chainID() == 1337)
        #expect(rpc.currentURL == server.url("ok"))
        #expect(rpc.callCounts["eth_chainId"] == 3)
        #expect(try await rpc.chainID() == 1337)
        #expect(rpc.callCounts["eth_chainId"] == 4, "the second call goes straight to the endpoint that answered")
        // A node's own error is final: trying another node would not change it.
        let errors = client([server.url("error"), server.url("ok")])
        await #expect { try await errors.chainID() } throws: { ($0 as? ChainClientError)?.isCallFailure == true }
        #expect(errors.callCounts["eth_chainId"] == 1)
    }

    @Test func everyEndpointDownReportsTheLastOne() async throws {
        let rpc = client(["http://127.0.0.1:1/", "http://127.0.0.1:2/"])
        do {
            _ = try await rpc.blockNumber()
            Issue.record("no error")
        } catch {
            #expect(error.url == "http://127.0.0.1:2/" && error.method == "eth_blockNumber")
            #expect(error.description.contains("rpc_urls"))
        }
    }
}
