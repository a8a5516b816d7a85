import ChainClient
import Testing

/// The node's HTTP answer as an attacker on the path to an http:// node would shape it: every broken
/// frame ends in a typed error naming what broke, never a crash, a hang or unbounded memory (the time
/// each takes is checked through the command, ChainLinkCommandTests); a connection that carried a
/// doubtful answer is not trusted with the next request.
@Suite struct ChainHTTPFramingTests {
    static let limits = TransportLimits(connectTimeout: 1, requestTimeout: 4, maximumResponseBytes: 1 << 20)

    @Test func wellFramedAnswersAreReadWhole() async throws {
        let server = try HostileRPCServer()
        defer { server.stop() }
        for path in ["ok", "chunked", "closedelimited"] {
            #expect(await TransportProbe(server.url(path), limits: Self.limits).answer == 1337, "\(path)")
        }
        let rpc = RPCClient(urls: [server.url("oncethenclose")], limits: Self.limits)
        for _ in 0..<3 { #expect(try await rpc.chainID() == 1337) }
        #expect(rpc.callCounts["eth_chainId"] == 3, "a dropped idle connection is replaced without an error")
    }

    /// Each broken answer of Tests/Peers/hostile_rpc.py: the error kind, and words its message must hold.
    static let brokenAnswers: [(path: String, kind: String, words: String)] = [
        ("negativechunk", "brokenAnswer", "chunk"),
        ("hugechunk", "brokenAnswer", "chunk"),
        ("badchunk", "brokenAnswer", "chunk"),
        ("longchunk", "brokenAnswer", "chunk"),
        ("bighead", "brokenAnswer", "head is larger than 64 KiB"),
        ("bigheaders", "brokenAnswer", "head is larger than 64 KiB"),
        ("hugebody", "responseTooLarge", "and was cut off"),
        ("hugeunannounced", "responseTooLarge", "and was cut off"),
        ("drip", "timedOut", "no complete answer within"),
        ("resetmidbody", "brokenAnswer", "transfer closed with"),
        ("hangup", "brokenAnswer", "Empty reply"),
        ("nocontent", "httpStatus", "HTTP status 204"),
        ("moved", "httpStatus", "HTTP status 301 (a redirect: meterd follows none"),
        ("500", "httpStatus", "HTTP status 500"),
    ]

    @Test(arguments: brokenAnswers)
    func aBrokenAnswerIsATypedError(path: String, kind: String, words: String) async throws {
        let server = try HostileRPCServer()
        defer { server.stop() }
        let probe = await TransportProbe(server.url(path), limits: Self.limits)
        let error = try #require(probe.error, "\(path) answered \(String(describing: probe.answer))")
        #expect("\(error.code)".hasPrefix(kind), "\(path): \(error.code)")
        #expect(error.description.contains(words), "\(path): \(error.description)")
        #expect(error.description.contains(server.url(path)) && error.description.contains("eth_chainId"))
    }

    /// Bytes after an answer, shaped as the answer to the next request, and an answer with both length
    /// headers: each request still gets its own answer.
    @Test(arguments: ["junkafter", "bothlengths"])
    func aDoubtfulConnectionIsNotReused(path: String) async throws {
        let server = try HostileRPCServer()
        defer { server.stop() }
        let rpc = RPCClient(urls: [server.url(path)], limits: Self.limits)
        for call in 1...3 {
            do {
                #expect(try await rpc.chainID() == 1337, "call \(call) got another request's answer")
            } catch {
                guard case .brokenAnswer = error.code else { Issue.record("call \(call): \(error)"); continue }
            }
        }
    }
}
