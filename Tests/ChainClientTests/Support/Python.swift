import Foundation
import Glibc

/// The project's Python (PYTHON from scripts/test, else the repository's .venv), run on a script with
/// JSON on standard input; killed if it has not finished in `timeout` seconds, so a test never hangs.
enum Python {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var executable: String {
        ProcessInfo.processInfo.environment["PYTHON"] ?? repository.appendingPathComponent(".venv/bin/python").path
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func run(script: String, input: Data, timeout: Double = 60) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-c", script]
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(timeout)
        let collected = Collected()
        let reader = Thread { collected.data = stdout.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        while !reader.isFinished { usleep(1_000) }
        guard process.terminationStatus == 0 else {
            let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw Failure(description: "\(executable) failed (\(process.terminationStatus)): \(errors)")
        }
        return collected.data
    }

    /// Written by the reader thread, read after it finished.
    private final class Collected: @unchecked Sendable {
        var data = Data()
    }
}
