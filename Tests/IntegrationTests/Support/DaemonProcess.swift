import Foundation

/// `meterd run` as a child process of a test, with its own state directory and device key.
final class DaemonProcess: @unchecked Sendable {
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["METERD_BINARY"] { return path }
        for configuration in ["debug", "release"] {
            let path = ModbusSimulator.repository.appendingPathComponent(".build/\(configuration)/meterd").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return ModbusSimulator.repository.appendingPathComponent(".build/debug/meterd").path
    }

    let state: URL
    let configuration: String
    private(set) var process: Process?
    let errorLog: URL

    /// A state directory with a fresh device key, and `meterd.toml` from `body` (everything but
    /// `state_directory`, which this fills in, as it fills in `{state}` wherever `body` has it).
    init(configuration body: String) throws {
        state = FileManager.default.temporaryDirectory.appendingPathComponent("meterd-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        configuration = state.appendingPathComponent("meterd.toml").path
        errorLog = state.appendingPathComponent("stderr.log")
        try body.replacingOccurrences(of: "[meterd]", with: "[meterd]\nstate_directory = \"\(state.path)\"")
            .replacingOccurrences(of: "{state}", with: state.path)
            .write(toFile: configuration, atomically: true, encoding: .utf8)
        let generate = try Self.meterd(["key", "generate", "--out", state.appendingPathComponent("device.key").path])
        guard generate.status == 0 else { throw ModbusSimulator.StartFailure(description: "key generate failed: \(generate.output)") }
    }

    deinit {
        stop(signal: SIGKILL)
        try? FileManager.default.removeItem(at: state)
    }

    var journal: String { state.appendingPathComponent("journal").path }
    var key: String { state.appendingPathComponent("device.key").path }

    func start(environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["run", "--config", configuration]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        _ = FileManager.default.createFile(atPath: errorLog.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: errorLog)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        self.process = process
    }

    /// Sends `signal` and waits up to `timeout` seconds; returns the exit status, nil if still running.
    @discardableResult
    func stop(signal: Int32 = SIGTERM, timeout: Double = 10) -> Int32? {
        guard let process, process.isRunning else { return self.process?.terminationStatus }
        kill(process.processIdentifier, signal)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        guard !process.isRunning else { return nil }
        return process.terminationStatus
    }

    var log: String { (try? String(contentsOf: errorLog, encoding: .utf8)) ?? "" }

    static func meterd(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        try ChildProcess.run(binary, arguments, environment: environment)
    }
}
