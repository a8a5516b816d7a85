import Testing
@testable import Drivers

/// Shunt 15 mΩ, 10 A full scale: current LSB 10/2^19 A, SHUNT_CAL exactly 3750, so 5 A reads back exactly.
private let calibration = INA228Calibration(shuntOhms: 0.015, maxCurrentAmperes: 10)

private func rig(
    _ inputs: SimulatedINA228.Inputs = .init(shuntVolts: 0.075, busVolts: 24, dieCelsius: 31.5)
) -> (SimulatedI2CBus, SimulatedINA228) {
    let bus = SimulatedI2CBus(name: "test-bus")
    let chip = SimulatedINA228(inputs: inputs)
    bus.attach(chip, at: 0x40)
    return (bus, chip)
}

@Suite struct INA228Tests {
    @Test func programsShuntCalibrationFromShuntAndMaxCurrent() throws {
        #expect(calibration.shuntCalibrationValue == 3750)
        let (bus, _) = rig()
        _ = try INA228(bus: bus, meter: "dc", calibration: calibration)
        let calRegister = try bus.writeThenRead(address: 0x40, bytes: [0x02], count: 2)
        #expect(calRegister == [0x0E, 0xA6])
    }

    @Test func readsVoltageCurrentPowerAndTemperature() throws {
        let (bus, _) = rig()
        var meter = try INA228(bus: bus, meter: "dc", calibration: calibration)
        let reading = try meter.read()
        #expect(reading.meter == "dc")
        #expect(reading.values[.dcVoltage] == 24.0)
        #expect(reading.values[.dcCurrent] == 5.0)
        #expect(abs(reading.values[.activePowerTotal]! - 120.0) < 1e-9)
        #expect(reading.values[.temperature] == 31.5)
    }

    @Test func negativeCurrentIsSignExtendedFromTwentyBits() throws {
        let (bus, _) = rig(.init(shuntVolts: -0.075, busVolts: 24, dieCelsius: -12.25))
        var meter = try INA228(bus: bus, meter: "dc", calibration: calibration)
        let reading = try meter.read()
        #expect(reading.values[.dcCurrent] == -5.0)
        #expect(abs(reading.values[.activePowerTotal]! - 120.0) < 1e-9)
        #expect(reading.values[.temperature] == -12.25)
    }

    @Test func twentyBitFieldsInBits23To4() {
        #expect(INA228.twentyBitValue(0x7FFFF0) == 524_287)
        #expect(INA228.twentyBitValue(0x800000) == -524_288)
        #expect(INA228.twentyBitValue(0xFFFFF0) == -1)
        #expect(INA228.twentyBitValue(0x00001F) == 1)
    }

    @Test func lowShuntRangeIsProgrammed() throws {
        let low = INA228Calibration(shuntOhms: 0.002, maxCurrentAmperes: 10, shuntRange: .millivolts40_96)
        #expect(low.shuntCalibrationValue == 2000)
        let (bus, _) = rig(.init(shuntVolts: 0.010, busVolts: 12))
        var meter = try INA228(bus: bus, meter: "dc", calibration: low)
        #expect(try meter.read().values[.dcCurrent] == 5.0)
    }

    @Test func energyCountsFromTheRestoredTotal() throws {
        let (bus, chip) = rig()
        chip.advance(by: .seconds(600))  // energy from before the daemon started is not ours
        var meter = try INA228(bus: bus, meter: "dc", calibration: calibration, importEnergyAtStartMilliwattHours: 5_000_000)
        #expect(try meter.read().energy[.importActiveEnergy]?.milliwattHours == 5_000_000)
        chip.advance(by: .seconds(3600))  // 120 W for an hour
        let energy = try #require(try meter.read().energy[.importActiveEnergy])
        #expect(abs(energy.milliwattHours - 5_120_000) <= 1)
        #expect(energy.resolutionMilliwattHours == 1)
    }

    @Test func energyRegisterWrapAt2To40IsCounted() throws {
        let (bus, chip) = rig()
        var meter = try INA228(bus: bus, meter: "dc", calibration: calibration)
        chip.advance(by: .seconds(100 * 86_400))
        let before = try meter.read().energy[.importActiveEnergy]!.milliwattHours
        let registerBefore = RegisterBytes.unsigned(try bus.writeThenRead(address: 0x40, bytes: [0x09], count: 5))
        chip.advance(by: .seconds(5 * 86_400))
        let after = try meter.read().energy[.importActiveEnergy]!.milliwattHours
        let registerAfter = RegisterBytes.unsigned(try bus.writeThenRead(address: 0x40, bytes: [0x09], count: 5))

        #expect(registerAfter < registerBefore, "the simulated ENERGY register wrapped")
        #expect(abs(before - 288_000_000) <= 1)  // 120 W × 2400 h
        #expect(abs(after - 302_400_000) <= 1)   // 120 W × 2520 h
    }

    @Test func configurationResetClearsEnergy() throws {
        let (bus, chip) = rig()
        chip.advance(by: .seconds(60))
        #expect(try bus.writeThenRead(address: 0x40, bytes: [0x09], count: 5) != [0, 0, 0, 0, 0])
        _ = try INA228(bus: bus, meter: "dc", calibration: calibration)
        #expect(try bus.writeThenRead(address: 0x40, bytes: [0x09], count: 5) == [0, 0, 0, 0, 0])
    }

    @Test func chipThatStopsAcknowledgingGivesATypedError() throws {
        let (bus, _) = rig()
        var meter = try INA228(bus: bus, meter: "dc", calibration: calibration)
        bus.inject(.noAcknowledge, at: 0x40, transactions: 1)
        let error = #expect(throws: DriverError.self) { try meter.read() }
        #expect(error?.code == .i2c(.noAcknowledge))
        #expect(error?.description.contains("test-bus address 0x40") == true)
        #expect(try meter.read().values[.dcCurrent] == 5.0, "the next poll works once the chip answers again")
    }

    @Test func absentChipFailsConstruction() {
        let bus = SimulatedI2CBus(name: "test-bus")
        let error = #expect(throws: DriverError.self) {
            try INA228(bus: bus, address: 0x41, meter: "dc", calibration: calibration)
        }
        #expect(error?.code == .i2c(.noAcknowledge))
        #expect(error?.place == .i2c(bus: "test-bus", address: 0x41))
    }

    @Test func timeoutIsReportedAsTimeout() throws {
        let (bus, _) = rig()
        var meter = try INA228(bus: bus, meter: "dc", calibration: calibration)
        bus.inject(.timeout, at: 0x40)
        let error = #expect(throws: DriverError.self) { try meter.read() }
        #expect(error?.code == .i2c(.timeout))
    }

    @Test func calibrationThatDoesNotFitShuntCalIsRejected() {
        let (bus, _) = rig()
        let error = #expect(throws: DriverError.self) {
            try INA228(bus: bus, meter: "dc", calibration: INA228Calibration(shuntOhms: 1, maxCurrentAmperes: 10))
        }
        #expect(error?.code == .i2c(.invalidCalibration))
        #expect(error?.description.contains("250000") == true)
    }

    @Test func otherChipAtTheAddressIsNotMistakenForAnINA228() {
        let bus = SimulatedI2CBus(name: "test-bus")
        bus.attach(SimulatedINA228(), at: 0x40)
        bus.attach(SimulatedADE7953(), at: 0x45)
        let error = #expect(throws: DriverError.self) {
            try INA228(bus: bus, address: 0x45, meter: "dc", calibration: calibration)
        }
        #expect(error?.code == .i2c(.unexpectedDevice))
    }
}
