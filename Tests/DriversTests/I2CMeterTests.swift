import Testing
@testable import Drivers

@Suite struct I2CMeterTests {
    let calibration = INA228Calibration(shuntOhms: 0.015, maxCurrentAmperes: 10)

    @Test func aChipMissingAtStartIsFoundOnALaterRead() async throws {
        let bus = SimulatedI2CBus(name: "hat")
        let meter = I2CMeter(name: "dc", bus: bus, chip: .ina228(address: 0x40, calibration))
        let missing = await #expect(throws: DriverError.self) { _ = try await meter.read() }
        #expect(missing?.code == .i2c(.noAcknowledge))
        bus.attach(SimulatedINA228(inputs: .init(shuntVolts: 0.075, busVolts: 24)), at: 0x40)
        let reading = try await meter.read()
        #expect(reading.values[.dcCurrent] == 5.0)
    }

    @Test func energyCarriesOnAcrossAChipThatDropsOffTheBus() async throws {
        let bus = SimulatedI2CBus(name: "hat")
        let chip = SimulatedINA228(inputs: .init(shuntVolts: 0.075, busVolts: 24))
        bus.attach(chip, at: 0x40)
        let meter = I2CMeter(name: "dc", bus: bus, chip: .ina228(address: 0x40, calibration), importEnergyAtStartMilliwattHours: 5_000_000)
        _ = try await meter.read()
        chip.advance(by: .seconds(3600))
        let hourLater = try await meter.read()
        let afterHour = try #require(hourLater.energy[.importActiveEnergy]).milliwattHours
        // 120 W for an hour on top of the 5 kWh it started from.
        #expect(abs(afterHour - 5_120_000) < 1_000)

        bus.inject(.noAcknowledge, at: 0x40, transactions: 1)
        let dropped = await #expect(throws: DriverError.self) { _ = try await meter.read() }
        #expect(dropped?.code == .i2c(.noAcknowledge))
        // Set up again: the chip's ENERGY register is reset, but the total continues from the last reading.
        let again = try await meter.read()
        let continued = try #require(again.energy[.importActiveEnergy]).milliwattHours
        #expect(continued >= afterHour && continued - afterHour < 1_000)
    }
}
