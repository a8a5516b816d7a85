import Foundation

/// An HTTP forward proxy on loopback, as a company firewall runs one: CONNECT tunnels and
/// absolute-URL requests, optional Basic credentials (407 without them), and routes that send a
/// host name the machine cannot resolve to a local server. It logs each connection and request line.
final class ForwardProxy: @unchecked Sendable {
    private let process = Process()
    private let logPath: String
    let port: Int

    /// `routes`: "host:port" as the client names it → "127.0.0.1:port" where the proxy really connects.
    init(credentials: String? = nil, routes: [String: String]) throws {
        logPath = FileManager.default.temporaryDirectory.appendingPathComponent("meterd-proxy-\(UUID().uuidString).log").path
        port = try ChildProcess.startServer(process, peer: "forward_proxy.py", arguments: [logPath, credentials ?? ""] + routes.map { "\($0.key)=\($0.value)" },
                                            named: "the forward proxy")
    }

    deinit { stop() }

    func stop() {
        ChildProcess.stop(process, grace: 1)
        try? FileManager.default.removeItem(atPath: logPath)
    }

    /// "connection" for each one accepted, and the request lines received with the Proxy-Authorization
    /// each carried ("-" for none).
    var log: [String] {
        ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }
}
