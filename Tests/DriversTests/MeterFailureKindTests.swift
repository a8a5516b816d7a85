import Testing
@testable import Drivers

/// The metrics' `kind` label for each way a meter read fails.
@Suite struct MeterFailureKindTests {
    @Test func eachDriverErrorHasItsKind() {
        #expect(MeterFailureKind(DriverError.timeout(unit: 1)) == .timeout)
        #expect(MeterFailureKind(DriverError.badFrame("crc")) == .badFrame)
        #expect(MeterFailureKind(DriverError.exception(.illegalDataAddress, unit: 1)) == .exception)
        #expect(MeterFailureKind(DriverError.connectionRefused(endpoint: "127.0.0.1:502")) == .connection)
        #expect(MeterFailureKind(DriverError.connectionLost(endpoint: "127.0.0.1:502", reason: "reset")) == .connection)
        #expect(MeterFailureKind(DriverError.timeout(bus: "/dev/i2c-1", address: 0x38)) == .i2c)
        #expect(MeterFailureKind(DriverError.deviceMissing(path: "/dev/ttyUSB0")) == .other)
        #expect(MeterFailureKind.badFrame.rawValue == "bad_frame")
    }
}
