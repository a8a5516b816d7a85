import Foundation

/// Two linked pseudo-terminals from socat: the simulator opens one end as its serial port, the
/// master (libmodbus) the other. A pty ignores baud rate and bus turnaround: faults and delays
/// come from the simulator.
final class PtyPair: @unchecked Sendable {
    private let process = Process()
    private let folder: URL
    let simulatorEnd: String
    let masterEnd: String

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("pty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        simulatorEnd = folder.appendingPathComponent("meter").path
        masterEnd = folder.appendingPathComponent("master").path
        process.executableURL = URL(fileURLWithPath: "/usr/bin/socat")
        process.arguments = ["pty,raw,echo=0,link=\(simulatorEnd)", "pty,raw,echo=0,link=\(masterEnd)"]
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            if FileManager.default.fileExists(atPath: simulatorEnd), FileManager.default.fileExists(atPath: masterEnd) { return }
            usleep(20_000)
        }
        stop()
        throw ModbusSimulator.StartFailure(description: "socat did not create the pty pair")
    }

    deinit { stop() }

    func stop() {
        // socat keeps no state worth a clean exit, and it inherits the test's blocked SIGTERM.
        ChildProcess.stop(process, grace: 0)
        try? FileManager.default.removeItem(at: folder)
    }
}
