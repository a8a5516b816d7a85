import Foundation
import Testing

/// The command line as a field engineer meets it: the built `meterd`, its exact output and exit status.
@Suite(.serialized) struct FieldCommandLineTests {
    /// ArgumentParser's usage errors exit with EX_USAGE.
    static let usage: Int32 = 64

    func firstLine(_ arguments: [String]) throws -> (status: Int32, line: String) {
        let (status, output) = try DaemonProcess.meterd(arguments)
        return (status, output.split(separator: "\n").first.map(String.init) ?? "")
    }

    @Test func probeFindsAMeterBehindAnIPv6HostAndNamesItInBrackets() async throws {
        let simulator = try ModbusSimulator(units: [1: "eastron-sdm630"], extraArguments: ["--tcp", "[::1]:0"])
        defer { simulator.stop() }
        let port = try #require(simulator.tcpPort)
        let (status, output) = try DaemonProcess.meterd(["probe", "modbus", "--host", "[::1]:\(port)", "--ids", "1-2",
                                                         "--profiles", ModbusSimulator.profiles])
        #expect(status == 0, "\(output)")
        #expect(output.split(separator: "\n").contains { $0.hasPrefix("[::1]:\(port) unit 1: eastron-sdm630 (") }, "\(output)")
    }

    @Test(arguments: [
        (["--host", "[::1]:70000"], "Error: The value '[::1]:70000' is invalid for '--host <host>'"),
        (["--host", "meter:"], "Error: The value 'meter:' is invalid for '--host <host>'"),
        (["--device", "/dev/ttyUSB0", "--baud", "9600,fast"], "Error: The value '9600,fast' is invalid for '--baud <list>'"),
        (["--device", "/dev/ttyUSB0", "--parity", "N,X"], "Error: The value 'N,X' is invalid for '--parity <list>'"),
        (["--device", "/dev/ttyUSB0", "--ids", "0-3"], "Error: The value '0-3' is invalid for '--ids <ids>'"),
    ])
    func probeRefusesAMalformedOptionWithItsName(arguments: [String], message: String) throws {
        let (status, line) = try firstLine(["probe", "modbus"] + arguments)
        #expect(status == Self.usage)
        #expect(line == message)
    }

    @Test func relayDurationsAreCheckedWhereTheyAreParsed() throws {
        let (status, line) = try firstLine(["relay", "test", "--pulse", "2 minutes"])
        #expect(status == Self.usage)
        #expect(line == "Error: The value '2 minutes' is invalid for '--pulse <duration>'")
        let (rangeStatus, rangeLine) = try firstLine(["relay", "test", "--pulse", "20s"])
        #expect(rangeStatus == Self.usage)
        #expect(rangeLine == "Error: --pulse takes 50ms to 10s, e.g. 500ms or 2s")
    }
}
