@testable import Drivers
import Foundation
import Testing

/// libmodbus in RTU mode over a socat pty pair against the simulator. The pty ignores baud rate
/// and turnaround, so late answers, silence and garbled frames come from the simulator on purpose.
@Suite(.serialized) struct ModbusRTUTests {
    struct Bench {
        let pty: PtyPair
        let simulator: ModbusSimulator
        let sdm630: KnownValues
        let sdm120: KnownValues

        init(baud: Int = 9600) throws {
            pty = try PtyPair()
            sdm630 = try KnownValues(profileNamed: "eastron-sdm630")
            sdm120 = try KnownValues(profileNamed: "eastron-sdm120")
            simulator = try ModbusSimulator(
                units: [1: "eastron-sdm630", 2: "eastron-sdm120"],
                values: [1: sdm630.simulatorValues, 2: sdm120.simulatorValues],
                extraArguments: ["--rtu", pty.simulatorEnd, "--baud", String(baud)])
        }

        func bus(_ timing: BusTiming = BusTiming(responseTimeout: 0.3, retries: 1, retryBackoff: 0.02), baud: Int = 9600) throws -> ModbusBus {
            try ModbusBus(endpoint: .rtu(SerialSettings(device: pty.masterEnd, baud: baud)), timing: timing)
        }

        func stop() {
            simulator.stop()
            pty.stop()
        }
    }

    @Test func everyQuantityOfTwoUnitsOnOneLineReadsBackExactly() async throws {
        let bench = try Bench()
        defer { bench.stop() }
        let bus = try bench.bus()
        let first = ModbusMeter(name: "a", unit: 1, profile: bench.sdm630.profile, bus: bus)
        let second = ModbusMeter(name: "b", unit: 2, profile: bench.sdm120.profile, bus: bus)
        for _ in 0..<3 {
            async let a = first.read()
            async let b = second.read()
            bench.sdm630.expectExact(try await a)
            bench.sdm120.expectExact(try await b)
        }
        // SDM630: 0x0000-0x004B and 0x015A-0x0165; SDM120: 0x0000-0x001F and 0x0046-0x004B (a hole of
        // 38 registers is over the gap tolerance). No retries.
        let (blocksA, blocksB) = (await first.blocks.count, await second.blocks.count)
        #expect(blocksA == 2 && blocksB == 2)
        #expect(bus.transactionCount == 3 * 4)
    }

    @Test func aLateAnswerIsNeverTakenForTheNextUnitsAnswer() async throws {
        let bench = try Bench()
        defer { bench.stop() }
        try bench.simulator.control(["cmd": "set", "unit": 2, "quantity": "voltage_l1", "value": 240.5])
        try bench.simulator.control(["cmd": "delay", "ms": 400, "unit": 1])
        let impatient = try bench.bus(BusTiming(responseTimeout: 0.15, retries: 0))
        await #expect(throws: DriverError.timeout(unit: 1)) {
            _ = try await impatient.read(.input, unit: 1, address: 0, count: 2)
        }
        impatient.close()
        // Unit 1's answer arrives while unit 2 is asked. It may cost unit 2's read a garbled-frame
        // retry, but what comes back is unit 2's own voltage, never unit 1's.
        let bus = try bench.bus(BusTiming(responseTimeout: 0.15, retries: 4, retryBackoff: 0.05))
        let voltage = try await bus.read(.input, unit: 2, address: 0, count: 2)
        let decoded = try RegisterDecoder.decode(voltage[...], as: bench.sdm120.profile.register(for: .voltageL1)!)
        #expect(decoded == .value(240.5))
        try bench.simulator.control(["cmd": "delay", "ms": NSNull(), "unit": 1])
        let meter = ModbusMeter(name: "a", unit: 1, profile: bench.sdm630.profile, bus: bus)
        bench.sdm630.expectExact(try await meter.read())
    }

    @Test func aGarbledFrameIsRetriedAndWithoutRetriesNamedAsSuch() async throws {
        let bench = try Bench()
        defer { bench.stop() }
        let meter = ModbusMeter(name: "a", unit: 1, profile: bench.sdm630.profile, bus: try bench.bus())
        try bench.simulator.control(["cmd": "garble", "count": 1, "how": "crc"])
        bench.sdm630.expectExact(try await meter.read())

        let strict = try bench.bus(BusTiming(responseTimeout: 0.3, retries: 0))
        try bench.simulator.control(["cmd": "garble", "count": 1, "how": "crc"])
        do {
            _ = try await strict.read(.input, unit: 1, address: 0, count: 2)
            Issue.record("a frame with a bad CRC was accepted")
        } catch {
            guard error.code == .modbus(.badFrame) else { Issue.record("expected a bad frame, got \(error)"); return }
        }
    }

    @Test func aSilentUnitTimesOutWithinTheBoundAndTheOthersStillAnswer() async throws {
        let bench = try Bench()
        defer { bench.stop() }
        try bench.simulator.control(["cmd": "silence", "unit": 1])
        let bus = try bench.bus(BusTiming(responseTimeout: 0.2, retries: 1, retryBackoff: 0.05))
        let silent = ModbusMeter(name: "a", unit: 1, profile: bench.sdm630.profile, bus: bus)
        let started = Date()
        await #expect(throws: DriverError.timeout(unit: 1)) { _ = try await silent.read() }
        let elapsed = Date().timeIntervalSince(started)
        // The first block's two attempts of 0.2 s and a 0.05 s pause; the second block is not tried.
        #expect(elapsed >= 0.44 && elapsed < 3, "took \(elapsed) s")
        bench.sdm120.expectExact(try await ModbusMeter(name: "b", unit: 2, profile: bench.sdm120.profile, bus: bus).read())
    }

    @Test func theInterFrameSilenceAndTheUnitSwitchPauseAreKept() async throws {
        let bench = try Bench(baud: 1200)
        defer { bench.stop() }
        // At 1200 baud 8N1, 3.5 characters are 29.2 ms; switching units adds 50 ms.
        let timing = BusTiming(responseTimeout: 0.3, unitSwitchDelay: 0.05, retries: 0)
        let bus = try bench.bus(timing, baud: 1200)
        _ = try await bus.read(.input, unit: 1, address: 0, count: 2)
        let started = Date()
        for index in 0..<10 {
            _ = try await bus.read(.input, unit: UInt8(1 + index % 2), address: 0, count: 2)
        }
        let elapsed = Date().timeIntervalSince(started)
        // Nine silences between the ten requests (the first one may have run out before `started`), and
        // nine switches (the first request goes to the unit asked last).
        #expect(elapsed >= 9 * 0.0292 + 9 * 0.05, "ten requests took only \(elapsed) s")
    }
}
