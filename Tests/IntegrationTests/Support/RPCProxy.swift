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
        var arguments = [DevChain.repository.appendingPathComponent("Tests/Peers/rpc_proxy.py").path, "--upstream", upstream,
                         "--kill-file", killFile.path, "--record", recordFile.path]
        if let identicalResend { arguments += ["--identical-resend", identicalResend] }
        process.executableURL = URL(fileURLWithPath: DevChain.python)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        guard let line = ChildProcess.firstLine(of: output.fileHandleForReading, timeout: 30),
              let start = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let url = start["url"] as? String else {
            ChildProcess.stop(process, grace: 0)
            throw DevChain.Failure(description: "the RPC proxy did not start (\(DevChain.python) \(arguments))")
        }
        self.url = url
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
