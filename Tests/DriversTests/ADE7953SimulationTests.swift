import Testing
@testable import Drivers

/// The simulated chip against the datasheet, independently of the driver.
@Suite struct ADE7953SimulationTests {
    private func rig(_ signals: SimulatedADE7953.Signals) -> (SimulatedI2CBus, SimulatedADE7953) {
        let bus = SimulatedI2CBus(name: "sim")
        let chip = SimulatedADE7953(signals: signals)
        bus.attach(chip, at: 0x38)
        return (bus, chip)
    }

    private func read(_ bus: SimulatedI2CBus, _ register: UInt16) throws -> [UInt8] {
        try bus.writeThenRead(
            address: 0x38, bytes: [UInt8(register >> 8), UInt8(register & 0xFF)],
            count: ADE7953Register.width(of: register))
    }

    private func write(_ bus: SimulatedI2CBus, _ register: UInt16, _ data: [UInt8]) throws {
        try bus.write(address: 0x38, bytes: [UInt8(register >> 8), UInt8(register & 0xFF)] + data)
    }

    @Test func resetValuesAndWidthsByAddressRange() throws {
        let (bus, _) = rig(.init())
        #expect(try read(bus, 0x004) == [0x40])
        #expect(try read(bus, 0x102) == [0x80, 0x04])
        #expect(try read(bus, 0x203) == [0x00, 0xE4, 0x19])
        #expect(try read(bus, 0x303) == [0x00, 0x00, 0xE4, 0x19])
        #expect(try read(bus, 0x380) == [0x00, 0x40, 0x00, 0x00])
    }

    @Test func signedRegistersAreSignExtendedInTheir32BitAlias() throws {
        let (bus, _) = rig(.init(activePowerA: -2))
        #expect(try read(bus, 0x212) == [0xFF, 0xFF, 0xFE])
        #expect(try read(bus, 0x312) == [0xFF, 0xFF, 0xFF, 0xFE])
    }

    @Test func register0x120TakesAWriteOnlyRightAfterTheUnlock() throws {
        let (bus, _) = rig(.init())
        try write(bus, 0x120, [0x00, 0x30])
        #expect(try read(bus, 0x120) == [0x00, 0x00])
        try write(bus, 0x0FE, [0xAD])
        _ = try read(bus, 0x102)
        try write(bus, 0x120, [0x00, 0x30])
        #expect(try read(bus, 0x120) == [0x00, 0x00], "another transaction in between locks it again")
        try write(bus, 0x0FE, [0xAD])
        try write(bus, 0x120, [0x00, 0x30])
        #expect(try read(bus, 0x120) == [0x00, 0x30])
    }

    @Test func readOnlyRegistersIgnoreWrites() throws {
        let (bus, _) = rig(.init(voltageRMS: 1234))
        try write(bus, 0x31C, [0, 0, 0, 9])
        #expect(try read(bus, 0x31C) == [0, 0, 0x04, 0xD2])
    }

    @Test func softwareResetRestoresDefaults() throws {
        let (bus, _) = rig(.init())
        try write(bus, 0x004, [0x00])
        try write(bus, 0x102, [0x80, 0x84])
        #expect(try read(bus, 0x004) == [0x40])
    }

    @Test func accumulatorWrapsAt24BitsWithoutReadWithReset() throws {
        let (bus, chip) = rig(.init(activePowerA: 0x40_0000))
        try write(bus, 0x004, [0x00])
        chip.advance(by: .seconds(40))  // 40 × 206900 = 8,276,000 pulses: just under 2^23
        #expect(try read(bus, 0x31E) == RegisterBytes.bytes(of: 8_276_000, width: 4))
        chip.advance(by: .seconds(1))   // 8,482,900 pulses: past 2^23 - 1, so negative
        let wrapped = RegisterBytes.signExtend(RegisterBytes.unsigned(try read(bus, 0x31E)), bits: 32)
        #expect(wrapped == 8_482_900 - (1 << 24))
        #expect(try read(bus, 0x31E) == read(bus, 0x31E), "without RSTREAD a read does not clear")
    }

    @Test func positiveOnlyAccumulationIgnoresExport() throws {
        let (bus, chip) = rig(.init(activePowerA: -0x20_0000, activePowerB: -0x20_0000))
        try write(bus, 0x301, [0, 0, 0, 0b0001])  // AWATTACC positive-only, BWATTACC normal
        chip.advance(by: .seconds(1))
        #expect(try read(bus, 0x31E) == [0, 0, 0, 0])
        #expect(RegisterBytes.signExtend(RegisterBytes.unsigned(try read(bus, 0x31F)), bits: 32) == -103_450)
        #expect(try read(bus, 0x301)[2] & 0b1100 == 0b1100, "APSIGN_A and APSIGN_B report negative power")
    }
}
