import Foundation
import Testing
@testable import MeterDaemon

@Suite struct ConfigurationCheckTests {
    func check(device: String, user: String) throws -> ConfigurationCheck {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("meterd.toml").path
        let text = """
            [meterd]
            user = "\(user)"
            profile_dirs = ["\(RepositoryPaths.meterProfiles)"]
            [buses.rs485]
            kind = "modbus-rtu"
            device = "\(device)"
            [meters.main]
            bus = "rs485"
            unit_id = 1
            profile = "eastron-sdm630"
            """
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return ConfigurationCheck.run(path: path)
    }

    @Test func aMissingSerialDeviceIsNamedWithItsLine() throws {
        let result = try check(device: "/dev/ttyUSB97", user: "root")
        #expect(!result.passed)
        #expect(result.problems.map(\.message) == ["/dev/ttyUSB97 does not exist"])
        #expect(result.problems.first?.line == 6 && result.problems.first?.key == "buses.rs485.device")
    }

    @Test func aDeviceTheServiceUserCannotOpenSaysWhichGroupToJoin() throws {
        let device = FileManager.default.temporaryDirectory.appendingPathComponent("tty-\(UUID().uuidString)").path
        #expect(FileManager.default.createFile(atPath: device, contents: nil, attributes: [.posixPermissions: 0o660]))
        defer { try? FileManager.default.removeItem(atPath: device) }
        // `nobody` is in no group that owns a root-owned file.
        let result = try check(device: device, user: "nobody")
        #expect(result.problems.count == 1)
        #expect(result.problems.first?.message == "\(device) cannot be opened by user 'nobody'")
        #expect(result.problems.first?.fix == "add the user to group 'root': usermod -aG root nobody, then restart meterd")
        chmod(device, 0o666)
        #expect(try check(device: device, user: "nobody").passed)
    }

    @Test func anUnknownServiceUserIsANoteNotAFailure() throws {
        let result = try check(device: "/dev/null", user: "no-such-user-here")
        #expect(result.passed)
        #expect(result.notes == ["user 'no-such-user-here' does not exist here; /dev/null checked for the current user: it can open it"])
    }
}
