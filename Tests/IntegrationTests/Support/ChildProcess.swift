import Foundation
import Glibc

enum ChildProcess {
    /// SIGTERM, a few seconds to exit, then SIGKILL: a test never hangs on a child that will not stop.
    static func stop(_ process: Process, grace: Double = 3) {
        guard process.isRunning else { return }
        if grace > 0 { process.terminate() }
        let deadline = Date().addingTimeInterval(grace)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// A test peer's Python file in Tests/Peers.
    static func peer(_ file: String) -> String {
        ModbusSimulator.repository.appendingPathComponent("Tests/Peers/\(file)").path
    }

    /// Starts the test peer `file arguments…`, a server that prints the port it listens on as its first
    /// line; stopped again if that line does not come.
    static func startServer(_ process: Process, peer file: String, arguments: [String], named name: String) throws -> Int {
        try startPeer(process, peer: file, arguments: arguments, named: name) { Int($0) }
    }

    /// Starts the test peer `file arguments…` and reads its start line with `read`; the peer is stopped
    /// again if the line does not come or `read` cannot make sense of it.
    static func startPeer<Start>(_ process: Process, peer file: String, arguments: [String], named name: String,
                                 read: (String) -> Start?) throws -> Start {
        process.executableURL = URL(fileURLWithPath: DevChain.python)
        process.arguments = [peer(file)] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        guard let line = firstLine(of: output.fileHandleForReading, timeout: 30), let start = read(line) else {
            stop(process, grace: 0)
            throw DevChain.Failure(description: "\(name) did not start (\(DevChain.python) \(file) \(arguments))")
        }
        return start
    }

    /// The first line a child writes (its start line), or nil after `timeout` seconds.
    static func firstLine(of handle: FileHandle, timeout: Double) -> String? {
        let descriptor = handle.fileDescriptor
        var collected: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) >= 0 else { return nil }
            guard poller.revents != 0 else { continue }
            var byte: UInt8 = 0
            guard read(descriptor, &byte, 1) == 1 else { return nil }
            if byte == UInt8(ascii: "\n") { return String(decoding: collected, as: UTF8.self) }
            collected.append(byte)
        }
        return nil
    }

    /// Runs a program to its end, with `environment` added to the test's: its exit status and everything it wrote.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
