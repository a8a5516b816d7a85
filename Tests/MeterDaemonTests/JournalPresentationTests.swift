import Drivers
import Foundation
import Testing
@testable import MeterDaemon

@Suite struct JournalPresentationTests {
    private func record(_ payload: JournalPayload, synchronised: Bool = true) -> JournalRecord {
        JournalRecord(sequence: 12, time: Date(timeIntervalSince1970: 1_790_000_000.25), clockSynchronised: synchronised,
                      payload: payload, hash: [UInt8](repeating: 0xAB, count: 32))
    }

    @Test func linesNameTheRecordAndItsFields() {
        let reading = Reading(meter: "sdm630", time: Date(), values: [.voltageL1: 230.5], energy: [.importActiveEnergy: EnergyValue(milliwattHours: 1_500, resolutionMilliwattHours: 10)])
        #expect(RecordRendering.line(record(.reading(reading))) ==
            "#12 2026-09-21T14:13:20.250Z reading meter=sdm630 voltage_l1=230.5 import_active_energy_mwh=1500 import_active_energy_resolution_mwh=10")
        #expect(RecordRendering.line(record(.slotClosed(SlotClosed(slotIndex: 3, slotStart: Date(timeIntervalSince1970: 0), consumptionWattHours: nil)), synchronised: false)) ==
            "#12 2026-09-21T14:13:20.250Z slot slot=3 slot_start=1970-01-01T00:00:00.000Z measured=false (clock not synchronised)")
    }

    @Test func jsonIsValidAndEscapesText() throws {
        let relay = record(.relayTransition(RelayTransition(from: "connected", to: "disconnected", cause: "line \"1\"\nbreak\t\u{01}")))
        let object = try JSONSerialization.jsonObject(with: Data(RecordRendering.json(relay).utf8)) as? [String: Any]
        #expect(object?["cause"] as? String == "line \"1\"\nbreak\t\u{01}")
        #expect(object?["type"] as? String == "relay" && object?["sequence"] as? Int == 12)
        let odd = record(.reading(Reading(meter: "m", time: Date(), values: [.frequency: .nan])))
        #expect(throws: Never.self) { try JSONSerialization.jsonObject(with: Data(RecordRendering.json(odd).utf8)) }
        let unmeasured = record(.slotClosed(SlotClosed(slotIndex: 1, slotStart: Date(), consumptionWattHours: nil)))
        let slot = try JSONSerialization.jsonObject(with: Data(RecordRendering.json(unmeasured).utf8)) as? [String: Any]
        #expect(slot?["consumption_wh"] is NSNull)
    }

    @Test func csvQuotesAndHasOneRowPerField() {
        let rows = RecordRendering.csvRows(record(.gap(Gap(meter: "a,b", from: Date(timeIntervalSince1970: 0), to: Date(timeIntervalSince1970: 60), reason: "said \"no\""))))
        #expect(rows.count == 4)
        #expect(rows[0] == "12,2026-09-21T14:13:20.250Z,gap,true,meter,\"a,b\"")
        #expect(rows[3] == "12,2026-09-21T14:13:20.250Z,gap,true,reason,\"said \"\"no\"\"\"")
    }

    @Test func statisticsCountWhatIsAnchored() throws {
        let directory = TemporaryDirectory("stats")
        defer { directory.remove() }
        let (journal, _) = try Journal.open(directory: directory.path, key: JournalFixtures.key, options: JournalFixtures.fastOptions)
        try journal.append(JournalFixtures.readingEntries(0..<10))
        try journal.markAnchored(upTo: 5, transactionHash: [UInt8](repeating: 3, count: 32), block: 77)
        try journal.close()
        let stats = try JournalStatistics.collect(directory: directory.path)
        #expect(stats.recordsByKind[.reading] == 10)
        #expect(stats.anchoredUpTo == 5 && stats.lastAnchor?.block == 77)
        #expect(stats.unanchoredRecords == stats.newest!.sequence - 5)
        #expect(stats.oldest?.sequence == 1 && stats.segments == 1 && stats.damagedSegments.isEmpty)
    }
}
