import Foundation

/// Tests/Peers/rpc_proxy.py between meterd and the development chain: answers a byte-identical resend
/// as the chosen node would, kills meterd at an exact point of a send, and records every call's method.
final class RPCProxy: @unchecked Sendable {
    enum KillPoint: String {
        /// The transaction is persisted but never reaches the node.
        case beforeSend = "before-send"
        /// The node has the transaction; meterd dies before it learns the answer.
        case afterSend = "after-send"
    }

    static let geth = "already known"
    static let otherNodes = "replacement transaction underpriced"

    private let process = Process()
    private let directory: URL
    private let killFile: URL
    private let recordFile: URL
    let url: String

    init(upstream: String, identicalResend: String? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("meterd-proxy-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        killFile = directory.appendingPathComponent("kill")
        recordFile = directory.appendingPathComponent("calls")
        var arguments = ["--upstream", upstream, "--kill-file", killFile.path, "--record", recordFile.path]
        if let identicalResend { arguments += ["--identical-resend", identicalResend] }
        url = try ChildProcess.startPeer(process, peer: "rpc_proxy.py", arguments: arguments, named: "the RPC proxy") { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["url"] as? String
        }
    }

    deinit { stop() }

    func stop() {
        ChildProcess.stop(process, grace: 2)
        try? FileManager.default.removeItem(at: directory)
    }


    /// At the next eth_sendRawTransaction, the process `pid` is killed at `point`.
    func kill(_ pid: Int32, at point: KillPoint) throws {
        try "\(pid) \(point.rawValue)".write(to: killFile, atomically: true, encoding: .utf8)
    }

    /// The method of every call so far, in order.
    var calls: [String] {
        ((try? String(contentsOf: recordFile, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }
}
