import Foundation
import Testing

/// systemd/meterd.service checked by systemd's own tools (Debian's systemd package).
@Suite struct SystemdUnitTests {
    static let unit = ModbusSimulator.repository.appendingPathComponent("systemd/meterd.service").path

    func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try ChildProcess.run("/usr/bin/systemd-analyze", arguments)
    }

    @Test func theExposureScoreIsAtMostTwoAndAHalf() throws {
        let (_, output) = try run(["security", "--offline=true", "--no-pager", Self.unit])
        let line = try #require(output.split(separator: "\n").first { $0.contains("Overall exposure level for meterd.service") })
        let score = try #require(Double(line.split(separator: ":")[1].split(separator: " ")[0]))
        #expect(score <= 2.5, "\(line)")
    }

    @Test func systemdAcceptsTheUnitWithTheBinaryInPlace() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = try String(contentsOfFile: Self.unit, encoding: .utf8)
            .replacingOccurrences(of: "/usr/bin/meterd", with: DaemonProcess.binary)
        let copy = folder.appendingPathComponent("meterd.service").path
        try text.write(toFile: copy, atomically: true, encoding: .utf8)
        let (status, output) = try run(["verify", copy])
        #expect(status == 0, "\(output)")
        #expect(!output.contains("Unknown key"), "\(output)")
    }
}
