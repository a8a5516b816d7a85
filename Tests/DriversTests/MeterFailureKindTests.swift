import Testing
@testable import Drivers

/// The metrics' `kind` label for each way a meter read fails.
@Suite struct MeterFailureKindTests {
    @Test func eachDriverErrorHasItsKind() {
        #expect(MeterFailureKind(ModbusError.timeout(unit: 1)) == .timeout)
        #expect(MeterFailureKind(ModbusError.badFrame("crc")) == .badFrame)
        #expect(MeterFailureKind(ModbusError.exception(.illegalDataAddress, unit: 1)) == .exception)
        #expect(MeterFailureKind(ModbusError.connectionRefused("127.0.0.1:502")) == .connection)
        #expect(MeterFailureKind(ModbusError.connectionLost("reset")) == .connection)
        #expect(MeterFailureKind(I2CError.timeout(bus: "/dev/i2c-1", address: 0x38)) == .i2c)
        #expect(MeterFailureKind(ModbusError.deviceMissing("/dev/ttyUSB0")) == .other)
        #expect(MeterFailureKind.badFrame.rawValue == "bad_frame")
    }
}
