import Testing
@testable import Drivers

// Binary fractions, so expected values are exact: 230 V, 5 A, 1150 W.
private let channel = ADE7953Calibration.Channel(amperesPerLSB: 0x1p-18, wattsPerLSB: 0x1p-12, wattHoursPerLSB: 0x1p-10)
private let calibration = ADE7953Calibration(voltsPerLSB: 0x1p-15, channelA: channel)
private let mains = SimulatedADE7953.Signals(
    voltageRMS: 7_536_640, currentRMSA: 1_310_720, currentRMSB: 655_360,
    activePowerA: 4_710_400, activePowerB: 2_355_200, period: 4474)

private func rig(_ signals: SimulatedADE7953.Signals = mains) -> (SimulatedI2CBus, SimulatedADE7953) {
    let bus = SimulatedI2CBus(name: "test-bus")
    let chip = SimulatedADE7953(signals: signals)
    bus.attach(chip, at: 0x38)
    return (bus, chip)
}

/// AENERGYx pulses the simulated chip produces: 206.9 kHz at full scale, full scale being 0x400000.
private func pulses(power: Int64, seconds: Int64) -> Int64 {
    SimulatedADE7953.energyPulsesPerSecondAtFullScale * power * seconds / 0x40_0000
}

private func read(_ bus: SimulatedI2CBus, _ register: UInt16, count: Int) throws -> [UInt8] {
    try bus.writeThenRead(address: 0x38, bytes: [UInt8(register >> 8), UInt8(register & 0xFF)], count: count)
}

@Suite struct ADE7953Tests {
    @Test func readsVoltageCurrentPowerAndFrequency() throws {
        let (bus, _) = rig()
        var meter = try ADE7953(bus: bus, meter: "ac", calibration: calibration)
        let reading = try meter.read()
        #expect(reading.values[.voltageL1] == 230.0)
        #expect(reading.values[.currentL1] == 5.0)
        #expect(reading.values[.activePowerL1] == 1150.0)
        #expect(reading.values[.activePowerTotal] == 1150.0)
        #expect(reading.values[.frequency] == 50.0)
        #expect(reading.values[.currentL2] == nil, "channel B is not read without its calibration")
    }

    @Test func initialisationUnlocksAndWritesRegister0x120() throws {
        let (bus, _) = rig()
        #expect(try read(bus, 0x120, count: 2) == [0x00, 0x00])
        let meter = try ADE7953(bus: bus, meter: "ac", calibration: calibration)
        #expect(try read(bus, 0x120, count: 2) == [0x00, 0x30])
        #expect(try read(bus, 0x004, count: 1) == [0x40], "read-with-reset on, line-cycle accumulation off")
        #expect(meter.siliconVersion == 0x08)
    }

    @Test func energyIsReadWithResetAndCountedOnce() throws {
        let (bus, chip) = rig()
        var meter = try ADE7953(bus: bus, meter: "ac", calibration: calibration, importEnergyAtStartMilliwattHours: 1_000)
        chip.advance(by: .seconds(10))
        let first = try meter.read().energy[.importActiveEnergy]!
        let expected = 1_000 + Int64((Double(pulses(power: 4_710_400, seconds: 10)) * 0x1p-10 * 1000).rounded(.down))
        #expect(first.milliwattHours == expected)
        #expect(first.resolutionMilliwattHours == 1)
        #expect(try read(bus, 0x31E, count: 4) == [0, 0, 0, 0], "the read cleared the accumulator")
        #expect(try meter.read().energy[.importActiveEnergy]!.milliwattHours == expected)
        #expect(try meter.read().energy[.exportActiveEnergy]!.milliwattHours == 0)
    }

    @Test func energyBeforeConstructionIsNotCounted() throws {
        let (bus, chip) = rig()
        chip.advance(by: .seconds(5))
        var meter = try ADE7953(bus: bus, meter: "ac", calibration: calibration, importEnergyAtStartMilliwattHours: 42)
        #expect(try meter.read().energy[.importActiveEnergy]!.milliwattHours == 42)
    }

    @Test func negativePowerCountsAsExport() throws {
        var signals = mains
        signals.activePowerA = -4_710_400
        let (bus, chip) = rig(signals)
        var meter = try ADE7953(bus: bus, meter: "ac", calibration: calibration, exportEnergyAtStartMilliwattHours: 7)
        chip.advance(by: .seconds(10))
        let reading = try meter.read()
        #expect(reading.values[.activePowerL1] == -1150.0)
        #expect(reading.energy[.importActiveEnergy]!.milliwattHours == 0)
        let expected = 7 + Int64((Double(pulses(power: 4_710_400, seconds: 10)) * 0x1p-10 * 1000).rounded(.down))
        #expect(reading.energy[.exportActiveEnergy]!.milliwattHours == expected)
    }

    @Test func channelBIsReadAsL2AndAddsToTotals() throws {
        let (bus, chip) = rig()
        let both = ADE7953Calibration(voltsPerLSB: 0x1p-15, channelA: channel, channelB: channel)
        var meter = try ADE7953(bus: bus, meter: "ac", calibration: both)
        chip.advance(by: .seconds(10))
        let reading = try meter.read()
        #expect(reading.values[.currentL2] == 2.5)
        #expect(reading.values[.activePowerL2] == 575.0)
        #expect(reading.values[.activePowerTotal] == 1725.0)
        let expected = Int64((Double(pulses(power: 4_710_400, seconds: 10)) * 0x1p-10 * 1000).rounded(.down))
            + Int64((Double(pulses(power: 2_355_200, seconds: 10)) * 0x1p-10 * 1000).rounded(.down))
        #expect(reading.energy[.importActiveEnergy]!.milliwattHours == expected)
    }

    @Test func chipThatStopsAcknowledgingGivesATypedError() throws {
        let (bus, _) = rig()
        var meter = try ADE7953(bus: bus, meter: "ac", calibration: calibration)
        bus.inject(.noAcknowledge, at: 0x38)
        let error = #expect(throws: DriverError.self) { try meter.read() }
        #expect(error?.code == .i2c(.noAcknowledge))
        #expect(error?.description.hasPrefix("test-bus address 0x38: no acknowledge") == true)
        bus.clearFault(at: 0x38)
        #expect(try meter.read().values[.voltageL1] == 230.0)
    }

    @Test func otherChipAtTheAddressIsNotMistakenForAnADE7953() {
        let bus = SimulatedI2CBus(name: "test-bus")
        bus.attach(SimulatedINA228(), at: 0x38)
        let error = #expect(throws: DriverError.self) { try ADE7953(bus: bus, meter: "ac", calibration: calibration) }
        #expect(error?.code == .i2c(.unexpectedDevice))
    }

    @Test func nonPositiveGainIsRejected() {
        let (bus, _) = rig()
        let bad = ADE7953Calibration(voltsPerLSB: 0, channelA: channel)
        let error = #expect(throws: DriverError.self) { try ADE7953(bus: bus, meter: "ac", calibration: bad) }
        #expect(error?.code == .i2c(.invalidCalibration))
    }
}
