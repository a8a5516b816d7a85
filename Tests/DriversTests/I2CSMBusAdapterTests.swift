import Foundation
import Testing
@testable import Drivers

/// The kernel's i2c-stub as its source describes it: one chip, 256 16-bit words; byte transfers use a
/// word's low byte, I2C-block transfers the low bytes of consecutive words; absent addresses: -ENODEV.
private final class I2CStubModel: SMBusPort, @unchecked Sendable {
    var words = [UInt16](repeating: 0, count: 256)
    var selected: UInt8 = 0
    let chipAddress: UInt8 = 0x40

    private var present: Bool { selected == chipAddress }

    func quickWrite() -> Int32 { present ? 0 : -ENODEV }
    func receiveByte() -> Int32 { present ? Int32(words[0] & 0xFF) : -ENODEV }
    func sendByte(_ value: UInt8) -> Int32 { present ? 0 : -ENODEV }
    func readByteData(command: UInt8) -> Int32 { present ? Int32(words[Int(command)] & 0xFF) : -ENODEV }
    func readWordData(command: UInt8) -> Int32 { present ? Int32(words[Int(command)]) : -ENODEV }

    func readI2CBlockData(command: UInt8, into buffer: inout [UInt8]) -> Int32 {
        guard present else { return -ENODEV }
        for index in buffer.indices { buffer[index] = UInt8(words[Int(command) + index] & 0xFF) }
        return Int32(buffer.count)
    }

    func writeByteData(command: UInt8, value: UInt8) -> Int32 {
        guard present else { return -ENODEV }
        words[Int(command)] = words[Int(command)] & 0xFF00 | UInt16(value)
        return 0
    }

    func writeWordData(command: UInt8, word: UInt16) -> Int32 {
        guard present else { return -ENODEV }
        words[Int(command)] = word
        return 0
    }

    func writeI2CBlockData(command: UInt8, bytes: [UInt8]) -> Int32 {
        guard present else { return -ENODEV }
        for (index, byte) in bytes.enumerated() {
            words[Int(command) + index] = words[Int(command) + index] & 0xFF00 | UInt16(byte)
        }
        return 0
    }
}

/// An adapter that has only SMBus, routed as LinuxI2CBus routes it.
private struct SMBusOnlyBus: I2CBus {
    let name = "smbus-only"
    let stub: I2CStubModel

    func writeThenRead(address: UInt8, bytes: [UInt8], count: Int) throws(DriverError) -> [UInt8] {
        guard let transfer = SMBusTransfer.read(bytes: bytes, count: count) else {
            throw .i2c(.unsupportedTransfer, bus: name, address: address, message: "not SMBus")
        }
        return try run(transfer, address: address)
    }

    func write(address: UInt8, bytes: [UInt8]) throws(DriverError) {
        guard let transfer = SMBusTransfer.write(bytes: bytes) else {
            throw .i2c(.unsupportedTransfer, bus: name, address: address, message: "not SMBus")
        }
        _ = try run(transfer, address: address)
    }

    func answers(address: UInt8) throws(DriverError) -> Bool {
        stub.selected = address
        return stub.quickWrite() == 0
    }

    private func run(_ transfer: SMBusTransfer, address: UInt8) throws(DriverError) -> [UInt8] {
        stub.selected = address
        return try transfer.run(on: stub, bus: name, address: address)
    }
}

@Suite struct I2CSMBusAdapterTests {
    /// Registers loaded as a test harness would with i2cset: `0x3e 0x4954 w`, `0x3f 0x8122 w`.
    private func stubWithINA228() -> I2CStubModel {
        let stub = I2CStubModel()
        stub.words[0x3E] = 0x4954
        stub.words[0x3F] = 0x8122
        return stub
    }

    @Test func ina228IsIdentifiedAndProgrammedThroughSMBusWords() throws {
        let stub = stubWithINA228()
        let meter = try INA228(bus: SMBusOnlyBus(stub: stub), meter: "stub", calibration: .init(shuntOhms: 0.015, maxCurrentAmperes: 10))
        #expect(meter.revision == 1)
        #expect(stub.words[0x02] == 0xA60E, "SHUNT_CAL 0x0EA6 as `i2cget -y 0 0x40 0x02 w` shows it")
        #expect(stub.words[0x00] == 0x0080, "CONFIG.RST 0x8000")
    }

    @Test func ina228EnergyThroughI2CBlockReadsAcrossTheWrap() throws {
        let stub = stubWithINA228()
        let bus = SMBusOnlyBus(stub: stub)
        let calibration = INA228Calibration(shuntOhms: 0.015, maxCurrentAmperes: 10)
        var meter = try INA228(bus: bus, meter: "stub", calibration: calibration)
        try bus.write(address: 0x40, bytes: [0x09, 0xFF, 0xFF, 0xFF, 0xFF, 0x00])
        _ = try meter.read()
        try bus.write(address: 0x40, bytes: [0x09, 0x00, 0x00, 0x00, 0x01, 0x00])
        let energy = try meter.read().energy[.importActiveEnergy]!
        let lsb = Double((UInt64(1) << 40) + 0x100)
        #expect(energy.milliwattHours == Int64((lsb * calibration.energyMilliwattHoursPerLSB).rounded(.down)))
    }

    @Test func absentAddressOnI2CStubIsNoAcknowledge() throws {
        let bus = SMBusOnlyBus(stub: stubWithINA228())
        let error = #expect(throws: DriverError.self) { try bus.writeThenRead(address: 0x41, bytes: [0x3E], count: 2) }
        #expect(error?.code == .i2c(.noAcknowledge))
        #expect(try I2CProbe(bus: bus).scan() == [I2CProbeResult(address: 0x40, device: .ina228(revision: 1))])
    }

    @Test func errnoOfEachAdapterMapsToItsMeaning() {
        for code in [ENXIO, EREMOTEIO, ENODEV] {
            #expect(DriverError.transferFailed(errno: code, bus: "b", address: 0x40).code == .i2c(.noAcknowledge))
        }
        #expect(DriverError.transferFailed(errno: ETIMEDOUT, bus: "b", address: 0x40).code == .i2c(.timeout))
        #expect(DriverError.transferFailed(errno: EBUSY, bus: "b", address: 0x40).code == .i2c(.addressInUse))
        #expect(DriverError.transferFailed(errno: EIO, bus: "b", address: 0x40).code == .i2c(.systemError(errno: EIO)))
    }
}
