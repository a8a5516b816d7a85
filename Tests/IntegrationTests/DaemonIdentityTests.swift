import ChainClient
import Foundation
import MeterDaemon
import Testing

/// meterd checks at start that its key is the agreement's device, before it signs a journal record.
@Suite struct DaemonIdentityTests {
    @Test func aKeyTheAgreementDoesNotNameStopsMeterdBeforeTheJournal() async throws {
        let site = try await SettlementSite()
        defer { site.stop() }
        let daemon = try site.daemon()
        try FileManager.default.removeItem(atPath: daemon.key)
        try DeviceKeyFile.create(path: daemon.key, key: site.chain.keys[2])
        try daemon.start()
        let deadline = Date().addingTimeInterval(30)
        while daemon.process!.isRunning, Date() < deadline { try await Task.sleep(nanoseconds: 50_000_000) }
        #expect(daemon.stop() == 1, "log:\n\(daemon.log)")
        #expect(daemon.log.contains("the device key's address is \(site.chain.keys[2].address.checksummed), but agreement \(site.agreement) names the device \(site.chain.device.address.checksummed)"),
                "log:\n\(daemon.log)")
        #expect(daemon.log.contains("electro-admin propose-device"))
        #expect(!FileManager.default.fileExists(atPath: daemon.journal), "no journal opened, nothing signed with the wrong key")
        // With the agreement's key it starts.
        try FileManager.default.removeItem(atPath: daemon.key)
        try DeviceKeyFile.create(path: daemon.key, key: site.chain.device)
        try daemon.start()
        try await Task.sleep(nanoseconds: 5_000_000_000)
        #expect(daemon.stop() == 0, "log:\n\(daemon.log)")
        #expect(daemon.log.contains("journal open"))
    }
}
