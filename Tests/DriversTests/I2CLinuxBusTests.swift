import Foundation
import Testing
@testable import Drivers

@Suite struct I2CLinuxBusTests {
    @Test func missingBusNamesTheDeviceAndTheFix() {
        let error = #expect(throws: DriverError.self) { try LinuxI2CBus(busNumber: 250) }
        #expect(error?.code == .i2c(.busMissing))
        #expect(error?.description.hasPrefix("/dev/i2c-250: does not exist") == true)
        #expect(error?.description.contains("modprobe i2c-dev") == true)
    }

    @Test func aFileThatIsNotAnAdapterIsRefused() {
        let error = #expect(throws: DriverError.self) { try LinuxI2CBus(path: "/dev/null") }
        #expect(error?.code == .i2c(.systemError(errno: ENOTTY)))
        #expect(error?.description.contains("is not an I2C adapter") == true)
    }

    @Test func permissionErrorNamesTheGroup() {
        // Root opens any node, so the mapping from EACCES is checked directly.
        let error = DriverError.busOpenFailed(path: "/dev/i2c-1", errno: EACCES)
        #expect(error.code == .i2c(.permissionDenied))
        #expect(error.description.contains("/dev/i2c-1"))
        #expect(error.description.contains("group i2c"))
    }
}
