import Testing
@testable import Drivers

/// A chip meterd does not know: counts what is asked of it, answers 0xFF like an erased EEPROM.
private final class CountingDevice: SimulatedI2CDevice {
    private let transactions = Locked(0)
    var count: Int { transactions.withLock { $0 } }

    func transact(writing bytes: [UInt8], reading count: Int) -> [UInt8] {
        transactions.withLock { $0 += 1 }
        return [UInt8](repeating: 0xFF, count: count)
    }
}

@Suite struct I2CProbeTests {
    @Test func namesSupportedChipsAndUnknownDevices() throws {
        let bus = SimulatedI2CBus(name: "probe-bus")
        bus.attach(SimulatedADE7953(siliconVersion: 3), at: 0x38)
        bus.attach(SimulatedINA228(), at: 0x40)
        bus.attach(SimulatedINA228(), at: 0x4F)
        let eeprom = CountingDevice()
        bus.attach(eeprom, at: 0x50)
        let impostor = CountingDevice()
        bus.attach(impostor, at: 0x44)

        let results = try I2CProbe(bus: bus).scan()

        #expect(results == [
            I2CProbeResult(address: 0x38, device: .ade7953(siliconVersion: 3)),
            I2CProbeResult(address: 0x40, device: .ina228(revision: 1)),
            I2CProbeResult(address: 0x44, device: .unknown),
            I2CProbeResult(address: 0x4F, device: .ina228(revision: 1)),
            I2CProbeResult(address: 0x50, device: .unknown),
        ])
        #expect(eeprom.count == 1, "outside the supported chips' addresses only presence is asked")
        #expect(results.map(\.description).contains("0x40: TI INA228 (revision 1)"))
    }

    @Test func reservedAddressesAreNeverAddressed() throws {
        let bus = SimulatedI2CBus()
        let generalCall = CountingDevice()
        let tenBit = CountingDevice()
        bus.attach(generalCall, at: 0x00)
        bus.attach(CountingDevice(), at: 0x02)
        bus.attach(tenBit, at: 0x78)
        bus.attach(CountingDevice(), at: 0x7F)
        #expect(try I2CProbe(bus: bus).scan().isEmpty)
        #expect(generalCall.count == 0)
        #expect(tenBit.count == 0)
    }

    @Test func aChipThatNAKsIsNotListed() throws {
        let bus = SimulatedI2CBus()
        bus.attach(SimulatedINA228(), at: 0x40)
        bus.attach(SimulatedINA228(), at: 0x41)
        bus.inject(.noAcknowledge, at: 0x41)
        #expect(try I2CProbe(bus: bus).scan().map(\.address) == [0x40])
    }

    @Test func aBusThatTimesOutStopsTheScanWithItsError() {
        let bus = SimulatedI2CBus(name: "stuck-bus")
        bus.attach(SimulatedINA228(), at: 0x40)
        bus.inject(.timeout, at: 0x40)
        let error = #expect(throws: DriverError.self) { try I2CProbe(bus: bus).scan() }
        #expect(error?.code == .i2c(.timeout))
        #expect(error?.description.hasPrefix("stuck-bus address 0x40") == true)
    }

    @Test func progressIsReportedForEveryAddressInOrder() throws {
        let bus = SimulatedI2CBus()
        bus.attach(SimulatedINA228(), at: 0x40)
        var seen: [I2CProbeProgress] = []
        _ = try I2CProbe(bus: bus).scan { seen.append($0) }
        #expect(seen.count == 117)
        #expect(seen.first == I2CProbeProgress(address: 0x03, scanned: 1, total: 117))
        #expect(seen.last == I2CProbeProgress(address: 0x77, scanned: 117, total: 117))
        #expect(seen.map(\.address) == Array(0x03...0x77))
    }
}
