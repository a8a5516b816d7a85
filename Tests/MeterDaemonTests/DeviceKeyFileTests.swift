import ChainClient
import Foundation
import Testing
@testable import MeterDaemon

@Suite struct DeviceKeyFileTests {
    @Test func generatedKeysAre0600AndLoadBack() throws {
        let directory = TemporaryDirectory("key")
        defer { directory.remove() }
        let path = directory.file("sub/device.key")
        let key = try DeviceKeyFile.generate(path: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(try DeviceKeyFile.load(path: path) == key)
    }

    @Test func anExistingFileIsNeverOverwritten() throws {
        let directory = TemporaryDirectory("key")
        defer { directory.remove() }
        let path = directory.file("device.key")
        let first = try DeviceKeyFile.generate(path: path)
        #expect(throws: MeterdError.keyAlreadyExists(path: path)) { try DeviceKeyFile.generate(path: path) }
        #expect(try DeviceKeyFile.load(path: path) == first)
    }

    @Test(arguments: [0o644, 0o640, 0o604, 0o660, 0o606, 0o700 | 0o004])
    func unsafeModesAreRefusedWithTheChmodToRun(_ mode: Int) throws {
        let directory = TemporaryDirectory("key")
        defer { directory.remove() }
        let path = directory.file("device.key")
        _ = try DeviceKeyFile.generate(path: path)
        chmod(path, mode_t(mode))
        #expect(throws: MeterdError.keyReadableByOthers(path: path, mode: UInt32(S_IFREG) | UInt32(mode))) { try DeviceKeyFile.load(path: path) }
        let message = MeterdError.keyReadableByOthers(path: path, mode: UInt32(mode)).description
        #expect(message.hasSuffix("run: chmod 600 \(path)"))
    }

    @Test func aFileOwnedBySomeoneElseIsRefusedWithTheChownToRun() throws {
        let directory = TemporaryDirectory("key")
        defer { directory.remove() }
        let path = directory.file("device.key")
        _ = try DeviceKeyFile.generate(path: path)
        // As root (CI) the file can be given away; the pure rule is checked either way.
        if geteuid() == 0 {
            #expect(chown(path, 65534, 65534) == 0)
            #expect(throws: MeterdError.keyWrongOwner(path: path, ownerID: 65534, user: SystemUser.name(of: geteuid()))) {
                try DeviceKeyFile.load(path: path)
            }
            // Diagnostics that only need the address may read the service user's key, if it is 0600.
            #expect(throws: Never.self) { try DeviceKeyFile.load(path: path, requireOwnership: false) }
            chmod(path, 0o640)
            expectMeterdError(\.isKeyError) { try DeviceKeyFile.load(path: path, requireOwnership: false) }
        }
        let refusal = KeyFilePolicy.check(path: path, mode: 0o100600, ownerID: 1001, isRegularFile: true, runningUserID: 998, runningUserName: "meterd")
        #expect(refusal?.description == "\(path) is owned by uid 1001, not by meterd who runs meterd; run: chown meterd: \(path)")
        #expect(KeyFilePolicy.check(path: path, mode: 0o100400, ownerID: 998, isRegularFile: true, runningUserID: 998, runningUserName: "meterd") == nil)
        #expect(KeyFilePolicy.check(path: path, mode: 0o100600, ownerID: 998, isRegularFile: false, runningUserID: 998, runningUserName: "meterd") == .keyNotARegularFile(path: path))
    }

    @Test func symlinksMissingAndMalformedFilesAreRefused() throws {
        let directory = TemporaryDirectory("key")
        defer { directory.remove() }
        let path = directory.file("device.key")
        #expect(throws: MeterdError.keyMissing(path: path)) { try DeviceKeyFile.load(path: path) }
        _ = try DeviceKeyFile.generate(path: path)
        let link = directory.file("link.key")
        symlink(path, link)
        #expect(throws: MeterdError.keyNotARegularFile(path: link)) { try DeviceKeyFile.load(path: link) }
        let bad = directory.file("bad.key")
        #expect(FileManager.default.createFile(atPath: bad, contents: Data("not a key\n".utf8), attributes: [.posixPermissions: 0o600]))
        expectMeterdError(\.isKeyError) { try DeviceKeyFile.load(path: bad) }
    }
}
