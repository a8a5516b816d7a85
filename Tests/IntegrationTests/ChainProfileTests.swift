@testable import ChainClient
import Foundation
@testable import MeterDaemon
import Testing

/// The agreement's profile as the contract gives it, and the slot guard of a daemon that settles on it.
@Suite(.serialized) struct ChainProfileTests {
    /// Three profile slots, read back through the binding in their order (the guard checks slot s
    /// against entry s % 3).
    @Test func theBindingReadsTheProfileTheUtilityProposed() async throws {
        let chain = try DevChain()
        defer { chain.stop() }
        let contract = try await chain.deploy()
        let profile: [(min: UInt32, max: UInt32)] = [(100, 200), (300, 4_000_000), (0, 0)]
        let id = try await chain.proposeAgreement(contract: contract, periodStart: UInt64(Date().timeIntervalSince1970), slotSeconds: 900,
                                                  slotsPerPeriod: 96, profile: profile)
        let slots = try await AgreementBinding(contract: contract, agreementID: id).profile(rpc: chain.rpc)
        #expect(slots == profile.map { ProfileSlot(minimumWattHours: $0.min, maximumWattHours: $0.max) })
    }

    /// `meterd run` on a chain: the guard takes the agreement's interval, and caches the profile.
    @Test func theDaemonsGuardTakesTheAgreementsInterval() async throws {
        let site = try await SettlementSite()
        defer { site.stop() }
        let daemon = try site.daemon()
        try daemon.start()
        let path = SlotGuardPublication.path(stateDirectory: daemon.state.path)
        var projection: SlotProjection?
        _ = try await eventually(within: 30) {
            projection = try SlotGuardPublication.read(from: path)?.report?.projection
            return projection != nil
        }
        #expect(daemon.stop() == 0, "log:\n\(daemon.log)")
        let projected = try #require(projection, "no projection published; log:\n\(daemon.log)")
        #expect(projected.interval == SlotInterval(minimumWattHours: Double(SettlementSite.interval.min),
                                                   maximumWattHours: Double(SettlementSite.interval.max)))
        #expect(daemon.log.contains("<5>slot guard on: intervals from the agreement's profile of 1 slots"), "\(daemon.log)")
        #expect(FileManager.default.fileExists(atPath: daemon.state.appendingPathComponent("chain/profile.json").path))
    }
}
