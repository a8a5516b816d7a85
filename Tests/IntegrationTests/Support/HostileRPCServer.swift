import Foundation

/// A misbehaving JSON-RPC endpoint on loopback (Tests/Peers/hostile_rpc.py): the URL's path picks the
/// misbehaviour. It listens on 127.0.0.1 and ::1, and is killed when the test ends.
final class HostileRPCServer: @unchecked Sendable {
    private let process = Process()
    let port: Int
    let scheme: String

    /// With a certificate chain and key (PEM files) it speaks HTTPS; `maximumTLS` ("1.0", "1.1") offers nothing newer.
    init(certificate: String? = nil, key: String? = nil, maximumTLS: String? = nil) throws {
        scheme = certificate == nil ? "http" : "https"
        var arguments: [String] = []
        if let certificate, let key { arguments += ["--cert", certificate, "--key", key] }
        if let maximumTLS { arguments += ["--max-tls", maximumTLS] }
        port = try ChildProcess.startServer(process, peer: "hostile_rpc.py", arguments: arguments, named: "the hostile RPC server")
    }

    deinit { stop() }

    func stop() { ChildProcess.stop(process, grace: 1) }

    /// `host` as the URL names it: "127.0.0.1", "localhost", "[::1]", "127.1".
    func url(_ path: String, host: String = "127.0.0.1") -> String { "\(scheme)://\(host):\(port)/\(path)" }
}
