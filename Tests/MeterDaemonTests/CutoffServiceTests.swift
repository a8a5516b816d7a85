import Cutoff
@testable import Drivers
import Foundation
import Logging
import Testing
@testable import MeterDaemon

/// The daemon's relay service against a real journal: what failed is retried until the relay is
/// where it was commanded and where the contract says, and said in the status and metrics meanwhile.
@Suite struct CutoffServiceTests {
    struct Site {
        let provider = SimulatedLineProvider()
        let status = StatusBoard(meterNames: [])
        let relay: RelayConfiguration
        let service: CutoffService
        var line: SimulatedLine { provider.lines[0] }

        /// Energising cuts; the contract's state at block 5 is `contract`, reconnection automatic.
        init(journal: Journal, requests: String, contract: DisconnectControlState) throws {
            relay = RelayConfiguration(line: GPIOLineAddress(chip: "gpiochip0", line: .offset(17)), wiring: RelayWiring(energised: .cuts),
                                       remoteReconnection: .automatic, feedback: nil, button: nil, effectiveness: nil,
                                       effectivenessMeter: nil, requestDirectory: requests)
            let startup = try RelayStartup.start(relay, limiter: nil, journal: journal, contract: ContractCutoffState(block: 5, state: contract),
                                                 provider: provider)
            service = CutoffService(startup: startup, relay: relay, status: status, logger: Logger(label: "test"), retrySeconds: 0)
        }

        /// Runs rounds of the service's loop (each retries what is due: all, with no pause between
        /// retries here) until `condition` holds; returns the rounds it took, nil after `rounds`.
        func rounds(upTo rounds: Int, until condition: () async -> Bool) async -> Int? {
            for round in 0..<rounds {
                if await condition() { return round }
                await service.tick()
            }
            return await condition() ? rounds : nil
        }
    }

    static let refusal = DriverError.gpio(.systemError(operation: "setting the line value", errno: EIO), address: GPIOLineAddress(chip: "gpiochip0", line: .offset(17)),
                                   message: "setting the line value failed (Input/output error)")

    @Test func aRemoteCutoffWhoseLineFailsIsRetriedUntilSetAndOnlyThenAcknowledged() async throws {
        let directory = TemporaryDirectory("relay-service")
        defer { directory.remove() }
        let (journal, _) = try Journal.open(directory: directory.file("journal"), key: JournalFixtures.key, options: JournalFixtures.fastOptions)
        defer { try? journal.close() }
        let site = try Site(journal: journal, requests: directory.file("requests"), contract: .connected)
        site.line.failNextWrites(4, with: Self.refusal)

        await site.service.apply(ContractCutoffState(block: 9, state: .disconnected))
        #expect(await site.service.takeChainActions().isEmpty)
        #expect(await site.status.summary(now: Date()).contains("RELAY: relay line not set to supply disconnected"))
        #expect(await site.status.prometheusText(now: Date()).hasSample("meterd_relay_healthy 0"))

        // Three more failed writes, then the fourth retry sets the line.
        #expect(await site.rounds(upTo: 10) { site.line.current } == 4, "\(site.line.values)")
        #expect(await site.status.relayProblem == nil)
        #expect(await site.status.relayActuationFailures == 4)
        #expect(await site.status.prometheusText(now: Date()).hasSample("meterd_relay_actuation_failures_total 4"))
        #expect(await site.status.prometheusText(now: Date()).hasSample("meterd_relay_healthy 1"))
        #expect(await site.service.takeChainActions() == [.acknowledgeCutoff(block: 9)])
        let causes = try journal.reader.records().compactMap { record -> String? in
            if case .relayTransition(let transition) = record.payload { return transition.cause }
            return nil
        }
        #expect(causes.contains { $0.hasPrefix("relay line not set to supply disconnected") })
        #expect(causes.last == "relay line set after a failed write")
    }

    @Test func aReconnectionRefusedByAFullJournalHappensOnceTheJournalHasRoom() async throws {
        let disk = try SmallFilesystem()
        defer { disk.unmount() }
        let journal = try disk.openJournal()
        defer { try? journal.close() }
        let site = try Site(journal: journal, requests: disk.mountPoint.file("requests"), contract: .disconnected)
        #expect(site.line.current, "the remote cutoff is in force at start")

        let (_, refusal) = try disk.fill(journal)
        try #require(refusal != nil, "the journal never filled the filesystem")
        await site.service.apply(ContractCutoffState(block: 9, state: .readyForReconnection))
        // No reconnection without its record: the relay stays open, and status says why.
        #expect(site.line.current)
        #expect(await site.status.relayProblem?.contains("filesystem is full") == true)
        // Retried, still refused while the disk stays full.
        #expect(await site.rounds(upTo: 3) { !site.line.current } == nil)
        #expect(await site.status.relayActuationFailures == 4)

        try disk.freeSpace()
        // The next retry (a round after its interval) reconnects.
        #expect(await site.rounds(upTo: 1) { !site.line.current } == 1, "the relay stayed open after space returned")
        #expect(await site.status.relayProblem == nil)
        #expect(await site.service.takeChainActions() == [.confirmReconnection(block: 9)])
        let last = try #require(try RelayJournalState.last(in: journal.reader))
        #expect(last.control.contract == ContractCutoffState(block: 9, state: .readyForReconnection) && last.control.supplyConnected)
    }
}
