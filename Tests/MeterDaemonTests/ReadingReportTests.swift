import Drivers
import Foundation
import Testing
@testable import ChainClient
@testable import MeterDaemon

@Suite struct ReadingReportTests {
    let time = Date(timeIntervalSince1970: 1_764_000_000)

    @Test func theTableShowsPhasesTotalsAndEachEnergyRegistersStep() {
        let reading = Reading(
            meter: "main", time: time,
            values: [.voltageL1: 230.14, .voltageL2: 229.5, .voltageL3: 231, .activePowerTotal: 3525.66, .frequency: 50.01],
            energy: [.importActiveEnergy: EnergyValue(milliwattHours: 1_000_000_062_500, resolutionMilliwattHours: 62_500)])
        let table = ReadingReport.table(reading, heading: "main: Eastron SDM630")
        #expect(table.contains("main: Eastron SDM630  2025-11-24T16:00:00.000Z"))
        #expect(table.contains("voltage (V)                    230.1         229.5         231.0"))
        #expect(table.contains("3525.7"))
        #expect(table.contains("import energy (kWh)") && table.contains("1000000.062  62.5 Wh"))
        #expect(!table.contains("current"), "rows the meter has no quantity for are left out")
    }

    @Test func aRegisterCoarserThanOnePercentOfASlotIsWarnedAbout() {
        let coarse = Reading(meter: "main", time: time,
                             energy: [.importActiveEnergy: EnergyValue(milliwattHours: 1_000_000_000_000, resolutionMilliwattHours: 62_500)])
        #expect(ReadingReport.resolutionWarnings(coarse, expectedSlotWh: 5_000) == [
            "main: import_active_energy steps in 62.5 Wh at its current value, more than 1 % of a slot's expected 5000 Wh, and its profile has no finer register",
        ])
        #expect(ReadingReport.resolutionWarnings(coarse, expectedSlotWh: 10_000).isEmpty)
        #expect(ReadingReport.resolutionWarnings(coarse, expectedSlotWh: nil).isEmpty)
    }

    @Test func jsonCarriesIntegerMilliwattHours() throws {
        let reading = Reading(meter: "m", time: time, values: [.frequency: 50],
                              energy: [.exportActiveEnergy: EnergyValue(milliwattHours: 12_345, resolutionMilliwattHours: 1)])
        let object = ReadingReport.json(reading)
        let energy = try #require(object["energy"]?["export_active_energy"])
        #expect(energy["milliwatt_hours"] == .number("12345"))
        #expect(object["time"] == .string("2025-11-24T16:00:00.000Z"))
    }
}
