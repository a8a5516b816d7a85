import ChainClient
import Foundation
@testable import MeterDaemon
import Testing

/// The journal's signer checked by the built binary, as a field engineer meets it: `meterd run` with
/// another key file stops and writes nothing; `meterd key rotate` hands the journal over, after which
/// meterd signs with the new key and `meterd journal verify` is OK across the rotation.
@Suite(.serialized) struct DaemonKeyRotationTests {
    /// Every journal file's bytes but the lock file's.
    func contents(_ directory: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) where name != "LOCK" {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent(name))
        }
        return files
    }

    func runUntil(_ daemon: DaemonProcess, logs text: String) async throws -> Bool {
        try daemon.start()
        let deadline = Date().addingTimeInterval(20)
        while !daemon.log.contains(text), daemon.process!.isRunning, Date() < deadline { try await Task.sleep(nanoseconds: 50_000_000) }
        // meterd traps SIGTERM once its services run, just after it says it is running.
        if daemon.process!.isRunning { try await Task.sleep(nanoseconds: 1_000_000_000) }
        return daemon.log.contains(text)
    }

    func replaceKey(_ daemon: DaemonProcess, with key: PrivateKey) throws {
        try FileManager.default.removeItem(atPath: daemon.key)
        try DeviceKeyFile.create(path: daemon.key, key: key)
    }

    @Test func anotherKeyStopsMeterdAndAfterKeyRotateItSignsWithTheNewKey() async throws {
        let simulator = try ModbusSimulator(units: [1: "eastron-sdm630"])
        defer { simulator.stop() }
        let daemon = try DaemonProcess(configuration: DaemonProcess.simulatorConfiguration(port: simulator.tcpPort!))
        let old = try DeviceKeyFile.load(path: daemon.key)
        #expect(try await runUntil(daemon, logs: "meterd running"), "log:\n\(daemon.log)")
        #expect(daemon.stop() == 0, "log:\n\(daemon.log)")

        // Another key file: meterd stops with the fix named, and the journal is as it was.
        let before = try contents(daemon.journal)
        let other = PrivateKey.generate()
        try replaceKey(daemon, with: other)
        _ = try await runUntil(daemon, logs: "never logged")
        #expect(daemon.stop() == 1, "log:\n\(daemon.log)")
        #expect(daemon.log.contains("device key \(daemon.key): the journal in \(daemon.journal) is signed by \(old.address.checksummed)"), "log:\n\(daemon.log)")
        #expect(daemon.log.contains("but the device key is \(other.address.checksummed)") && daemon.log.contains("run `meterd key rotate`"))
        #expect(try contents(daemon.journal) == before, "nothing written with the wrong key")

        // The right key back, then rotated by the command.
        try replaceKey(daemon, with: old)
        let rotate = try DaemonProcess.meterd(["key", "rotate", "--config", daemon.configuration])
        #expect(rotate.status == 0, "\(rotate.output)")
        let new = try DeviceKeyFile.load(path: daemon.key).address
        let backup = daemon.key + ".old-" + old.address.checksummed
        #expect(new != old.address)
        #expect(rotate.output.split(separator: "\n").contains(Substring(new.checksummed)), "the new address on a line of its own:\n\(rotate.output)")
        #expect(rotate.output.contains("the old one is kept as \(backup)"), "\(rotate.output)")
        #expect(rotate.output.contains("electro-admin propose-device AGREEMENT_ID \(new.checksummed)"), "\(rotate.output)")
        #expect(try DeviceKeyFile.load(path: backup).address == old.address)

        // meterd starts and signs with the new key; the journal verifies across the rotation.
        #expect(try await runUntil(daemon, logs: "meterd running"), "log:\n\(daemon.log)")
        #expect(daemon.stop() == 0, "log:\n\(daemon.log)")
        #expect(daemon.log.contains("device=\(new.checksummed)"), "log:\n\(daemon.log)")
        let verify = try DaemonProcess.meterd(["journal", "verify", "--key", daemon.key, "--journal", daemon.journal])
        #expect(verify.status == 0, "\(verify.output)")
        #expect(verify.output.contains("key rotation at record") && verify.output.contains("\(old.address.checksummed) handed over to \(new.checksummed)"))
        #expect(verify.output.hasSuffix("OK\n"), "\(verify.output)")
        let asOld = try DaemonProcess.meterd(["journal", "verify", "--journal", daemon.journal, "--address", old.address.checksummed])
        #expect(asOld.status == 1 && asOld.output.contains("FIRST PROBLEM"), "\(asOld.output)")

        // While meterd runs the journal is its own: the rotation is refused and leaves nothing behind.
        #expect(try await runUntil(daemon, logs: "meterd running"), "log:\n\(daemon.log)")
        let refused = try DaemonProcess.meterd(["key", "rotate", "--config", daemon.configuration])
        #expect(daemon.stop() == 0)
        #expect(refused.status == 1 && refused.output.contains("stop it first"), "\(refused.output)")
        #expect(!FileManager.default.fileExists(atPath: DeviceKeyRotation.pendingPath(daemon.key)))
        #expect(try DeviceKeyFile.load(path: daemon.key).address == new)
    }

    /// Killed after the journal was handed over, before the new key was installed: `meterd run` finishes it.
    @Test func meterdFinishesARotationInterruptedAfterTheJournal() async throws {
        let simulator = try ModbusSimulator(units: [1: "eastron-sdm630"])
        defer { simulator.stop() }
        let daemon = try DaemonProcess(configuration: DaemonProcess.simulatorConfiguration(port: simulator.tcpPort!))
        #expect(try await runUntil(daemon, logs: "meterd running"), "log:\n\(daemon.log)")
        #expect(daemon.stop() == 0)
        let old = try DeviceKeyFile.load(path: daemon.key)
        let new = PrivateKey.generate()
        try DeviceKeyRotation.prepare(keyPath: daemon.key, newKey: new)
        _ = try DeviceKeyRotation.journal(directory: daemon.journal, old: old, new: new, options: JournalOptions())

        #expect(try await runUntil(daemon, logs: "meterd running"), "log:\n\(daemon.log)")
        #expect(daemon.stop() == 0, "log:\n\(daemon.log)")
        #expect(daemon.log.contains("finished an interrupted key rotation: the journal was handed over to \(new.address.checksummed)"), "log:\n\(daemon.log)")
        #expect(try DeviceKeyFile.load(path: daemon.key).address == new.address)
        #expect(try JournalVerifier.verify(directory: daemon.journal, signer: new.address).isValid)
    }
}
