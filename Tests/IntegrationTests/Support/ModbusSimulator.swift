import Foundation
import Glibc

/// The project's Modbus meter simulator (scripts/modbus-sim) run as a child process for one test:
/// started on free loopback ports, ready once its start line arrives, stopped when the test ends.
final class ModbusSimulator: @unchecked Sendable {
    struct StartFailure: Error, CustomStringConvertible {
        var description: String
    }

    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let profiles = repository.appendingPathComponent("hardware/meters").path

    private let process = Process()
    let tcpPort: Int?
    let controlPort: Int

    /// `units` maps unit ids to profile names (files in hardware/meters).
    init(units: [Int: String], values: [Int: [String: Any]] = [:], extraArguments: [String] = []) throws {
        var arguments = units.sorted { $0.key < $1.key }.map { "--unit=\($0.key)=\(Self.profiles)/\($0.value).toml" }
        if !values.isEmpty {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("sim-values-\(UUID().uuidString).json")
            let object = Dictionary(uniqueKeysWithValues: values.map { (String($0.key), $0.value) })
            try JSONSerialization.data(withJSONObject: object).write(to: file)
            arguments += ["--values", file.path]
        }
        arguments += extraArguments
        let simulator = ProcessInfo.processInfo.environment["MODBUS_SIMULATOR"] ?? Self.repository.appendingPathComponent("scripts/modbus-sim").path
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", simulator] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        guard let line = ChildProcess.firstLine(of: output.fileHandleForReading, timeout: 10),
              let start = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let control = (start["control"] as? String)?.split(separator: ":").last.flatMap({ Int($0) })
        else {
            process.terminate()
            throw StartFailure(description: "the Modbus simulator did not start (arguments: \(arguments))")
        }
        controlPort = control
        tcpPort = (start["tcp"] as? String)?.split(separator: ":").last.flatMap { Int($0) }
    }

    deinit { stop() }

    func stop() {
        ChildProcess.stop(process)
    }

    /// Sends one control command and returns its answer.
    @discardableResult
    func control(_ command: [String: Any]) throws -> [String: Any] {
        let answer = try LineSocket.exchange(port: controlPort, line: String(decoding: try JSONSerialization.data(withJSONObject: command), as: UTF8.self))
        guard let object = try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any], object["ok"] as? Bool == true else {
            throw StartFailure(description: "control command \(command) failed: \(answer)")
        }
        return object
    }

    /// Requests the simulator received for `unit`, all functions together.
    func requestCount(unit: Int) throws -> Int {
        let counts = try control(["cmd": "counts"])
        let units = counts["units"] as? [String: Any]
        let requests = (units?[String(unit)] as? [String: Any])?["requests"] as? [String: Int]
        return requests?.values.reduce(0, +) ?? 0
    }
}

/// One request line, one answer line, over TCP on loopback.
enum LineSocket {
    static func exchange(port: Int, line: String) throws -> String {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw ModbusSimulator.StartFailure(description: "socket: \(errno)") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw ModbusSimulator.StartFailure(description: "cannot reach the control port \(port)") }
        let bytes = Array((line + "\n").utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count else { throw ModbusSimulator.StartFailure(description: "write failed") }
        var answer: [UInt8] = []
        var byte: UInt8 = 0
        while read(descriptor, &byte, 1) == 1, byte != UInt8(ascii: "\n") { answer.append(byte) }
        return String(decoding: answer, as: UTF8.self)
    }
}
