import ChainClient
import Testing

/// HTTPS to the node: the certificate chain and the name (host name or address, however the URL
/// spells it) are checked against the system store or [chain] ca_file; whatever fails is refused with
/// OpenSSL's reason.
@Suite(.serialized) struct ChainTLSTests {
    static func limits(caFile: String?) -> TransportLimits {
        TransportLimits(connectTimeout: 2, requestTimeout: 5, maximumResponseBytes: 1 << 20, caFile: caFile)
    }

    /// The node's certificate chain, served on ::1 and 127.0.0.1.
    func serving(_ chain: String, _ material: TLSMaterial, maximumTLS: String? = nil) throws -> HostileRPCServer {
        try HostileRPCServer(certificate: material.file(chain), key: material.key, maximumTLS: maximumTLS)
    }

    func refusal(_ url: String, caFile: String?) async throws -> String {
        let probe = await TransportProbe(url, limits: Self.limits(caFile: caFile))
        let error = try #require(probe.error, "\(url) was accepted")
        guard case .tls(let reason) = error.code else { Issue.record("\(url): \(error)"); return "" }
        #expect(error.description.contains("ca_file"))
        return reason
    }

    @Test func aValidChainThroughTheConfiguredCAIsAcceptedUnderEveryNameOfTheHost() async throws {
        let material = try TLSMaterial()
        defer { material.remove() }
        let server = try serving("good.pem", material)
        defer { server.stop() }
        for host in ["localhost", "127.0.0.1", "[::1]", "127.1"] {
            let probe = await TransportProbe(server.url("ok", host: host), limits: Self.limits(caFile: material.file("ca.pem")))
            #expect(probe.answer == 1337, "\(host): \(String(describing: probe.error))")
        }
        // The system store does not know the test root.
        let reason = try await refusal(server.url("ok"), caFile: nil)
        #expect(reason.contains("unable to get local issuer certificate"), "\(reason)")
    }

    @Test func aCertificateForAnotherNameIsRefusedHoweverTheAddressIsWritten() async throws {
        let material = try TLSMaterial()
        defer { material.remove() }
        let server = try serving("othername.pem", material)
        defer { server.stop() }
        for host in ["localhost", "127.0.0.1", "[::1]", "127.1", "2130706433"] {
            let reason = try await refusal(server.url("ok", host: host), caFile: material.file("ca.pem"))
            #expect(reason.contains("no alternative certificate subject name matches"), "\(host): \(reason)")
        }
    }

    @Test(arguments: [
        ("expired.pem", "certificate has expired"),
        ("notyetvalid.pem", "certificate is not yet valid"),
        ("selfsigned.pem", "self-signed certificate"),
        ("unknownca.pem", "self-signed certificate in certificate chain"),
    ])
    func aCertificateThatDoesNotVerifyIsRefusedWithTheReason(chain: String, reason expected: String) async throws {
        let material = try TLSMaterial()
        defer { material.remove() }
        let server = try serving(chain, material)
        defer { server.stop() }
        let reason = try await refusal(server.url("ok"), caFile: material.file("ca.pem"))
        #expect(reason.contains(expected), "\(chain): \(reason)")
    }

    @Test(arguments: ["1.0", "1.1"])
    func aNodeOfferingOnlyAnOldTLSIsRefused(version: String) async throws {
        let material = try TLSMaterial()
        defer { material.remove() }
        let server = try serving("good.pem", material, maximumTLS: version)
        defer { server.stop() }
        let reason = try await refusal(server.url("ok"), caFile: material.file("ca.pem"))
        #expect(reason.hasPrefix("the node offers no TLS 1.2 or later"), "\(reason)")
    }
}
