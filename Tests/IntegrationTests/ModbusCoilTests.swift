@testable import Drivers
import Foundation
@testable import MeterDaemon
import Testing

/// The coil write path (function 5) and read-back (function 1) against the project's Modbus simulator
/// over TCP, and the guard's coil output on it (docs/slot-guard.md, "The output").
@Suite(.serialized) struct ModbusCoilTests {
    func bus(_ simulator: ModbusSimulator) throws -> ModbusBus {
        try ModbusBus(endpoint: .tcp(host: "127.0.0.1", port: simulator.tcpPort!), timing: BusTiming(responseTimeout: 0.3, retries: 1, retryBackoff: 0.02))
    }

    func coil(_ simulator: ModbusSimulator, _ role: String) throws -> [String: Any] {
        try simulator.control(["cmd": "coil", "role": role])
    }

    @Test func aCoilSetIsOnInTheSimulatorAndClearedIsOff() async throws {
        let simulator = try ModbusSimulator(units: [1: "eastron-sdm630"], extraArguments: ["--shed-coil", "1:0", "--shed-fraction", "0.3"])
        defer { simulator.stop() }
        let bus = try bus(simulator)
        try await bus.writeCoil(unit: 1, address: 0, on: true)
        var state = try coil(simulator, "shed")
        #expect(state["on"] as? Bool == true && state["writes"] as? Int == 1, "\(state)")
        #expect((state["load_factor"] as? Double).map { abs($0 - 0.7) < 1e-9 } == true, "the simulated load drops by the fraction: \(state)")
        #expect(try await bus.readCoils(unit: 1, address: 0, count: 1) == [true])
        try await bus.writeCoil(unit: 1, address: 0, on: false)
        state = try coil(simulator, "shed")
        #expect(state["on"] as? Bool == false && state["load_factor"] as? Double == 1, "\(state)")
        #expect(try await bus.readCoils(unit: 1, address: 0, count: 1) == [false])
    }

    @Test func aWrongAddressIsTheModbusExceptionNotRetried() async throws {
        let simulator = try ModbusSimulator(units: [1: "eastron-sdm630"], extraArguments: ["--shed-coil", "1:0"])
        defer { simulator.stop() }
        let bus = try bus(simulator)
        await #expect(throws: DriverError.exception(.illegalDataAddress, unit: 1)) {
            try await bus.writeCoil(unit: 1, address: 7, on: true)
        }
        #expect(DriverError.exception(.illegalDataAddress, unit: 1).description == "unit 1 answered illegal data address (exception 2)")
        #expect(bus.transactionCount == 1, "an exception 2 is an answer, not a failure to retry")
        #expect(try coil(simulator, "shed")["on"] as? Bool == false, "nothing changed")
    }

    @Test func theGuardOutputPutsOffBeforeOnAndClearsBothForNone() async throws {
        let simulator = try ModbusSimulator(units: [1: "eastron-sdm630"], extraArguments: ["--shed-coil", "1:0", "--add-coil", "1:1"])
        defer { simulator.stop() }
        let output = ModbusCoilOutput(bus: try bus(simulator), unit: 1, shedCoil: 0, addCoil: 1)
        try await output.apply(.add)
        #expect(try coil(simulator, "add")["on"] as? Bool == true && coil(simulator, "shed")["on"] as? Bool == false)
        try await output.apply(.shed)
        #expect(try coil(simulator, "add")["on"] as? Bool == false && coil(simulator, "shed")["on"] as? Bool == true)
        try await output.apply(.none)
        #expect(try coil(simulator, "add")["on"] as? Bool == false && coil(simulator, "shed")["on"] as? Bool == false)
    }
}
