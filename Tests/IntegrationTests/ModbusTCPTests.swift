@testable import Drivers
import Foundation
import Testing

/// libmodbus over TCP against the project's Modbus simulator on loopback.
@Suite(.serialized) struct ModbusTCPTests {
    func bus(_ simulator: ModbusSimulator, timing: BusTiming = BusTiming(responseTimeout: 0.3, retries: 1, retryBackoff: 0.02)) throws -> ModbusBus {
        try ModbusBus(endpoint: .tcp(host: "127.0.0.1", port: simulator.tcpPort!), timing: timing)
    }

    @Test(arguments: ["eastron-sdm630", "eastron-sdm120", "abb-b23", "carlo-gavazzi-em24", "carlo-gavazzi-em340", "janitza-b23"])
    func everyQuantityReadsBackExactly(profile: String) async throws {
        let known = try KnownValues(profileNamed: profile)
        let simulator = try ModbusSimulator(units: [3: profile], values: [3: known.simulatorValues])
        defer { simulator.stop() }
        let meter = ModbusMeter(name: "m", unit: 3, profile: known.profile, bus: try bus(simulator))
        known.expectExact(try await meter.read())
    }

    @Test func onePollTakesTheMinimumNumberOfTransactions() async throws {
        let known = try KnownValues(profileNamed: "eastron-sdm630")
        let simulator = try ModbusSimulator(units: [1: "eastron-sdm630"])
        defer { simulator.stop() }
        let bus = try bus(simulator)
        let meter = ModbusMeter(name: "m", unit: 1, profile: known.profile, bus: bus)
        _ = try await meter.read()
        // 0x0000-0x004B and 0x015A-0x0165 are 270 registers apart: two reads, no fewer possible.
        #expect(bus.transactionCount == 2)
        #expect(try simulator.requestCount(unit: 1) == 2)
    }

    @Test func severalUnitIdsShareOneConnection() async throws {
        let sdm630 = try KnownValues(profileNamed: "eastron-sdm630")
        let sdm120 = try KnownValues(profileNamed: "eastron-sdm120")
        let simulator = try ModbusSimulator(units: [1: "eastron-sdm630", 2: "eastron-sdm120"],
                                            values: [1: sdm630.simulatorValues, 2: sdm120.simulatorValues])
        defer { simulator.stop() }
        let bus = try bus(simulator)
        let first = ModbusMeter(name: "a", unit: 1, profile: sdm630.profile, bus: bus)
        let second = ModbusMeter(name: "b", unit: 2, profile: sdm120.profile, bus: bus)
        async let readingA = first.read()
        async let readingB = second.read()
        let (a, b) = try await (readingA, readingB)
        sdm630.expectExact(a)
        sdm120.expectExact(b)
        _ = try await first.read()
        #expect(try simulator.control(["cmd": "counts"])["connections"] as? Int == 1)
    }

    /// Unit 1 of `profile` on a simulator, lacking `absent` (exception 2), and its values.
    func meter(_ profile: String, lacking absent: String) throws -> (ModbusSimulator, ModbusMeter, KnownValues) {
        let known = try KnownValues(profileNamed: profile)
        let simulator = try ModbusSimulator(units: [1: profile], values: [1: known.simulatorValues])
        try simulator.control(["cmd": "absent", "unit": 1, "quantity": absent])
        return (simulator, ModbusMeter(name: "m", unit: 1, profile: known.profile, bus: try bus(simulator)), known)
    }

    func exceptions(_ simulator: ModbusSimulator) throws -> Int? {
        ((try simulator.control(["cmd": "counts"])["units"] as? [String: Any])?["1"] as? [String: Any])?["exceptions"] as? Int
    }

    @Test func anAbsentRegisterDropsOnlyItsQuantity() async throws {
        let (simulator, meter, known) = try meter("carlo-gavazzi-em24", lacking: "export_active_energy")
        defer { simulator.stop() }
        let reading = try await meter.read()
        #expect(reading.energy[.exportActiveEnergy] == nil)
        #expect(reading.energy[.importActiveEnergy]?.milliwattHours == Int64(known.values[.importActiveEnergy]! * 1_000_000))
        #expect(await meter.absentQuantities == [.exportActiveEnergy])
        // The plan no longer asks for the absent register: the next poll gets no exception.
        try simulator.control(["cmd": "reset_counts"])
        let again = try await meter.read()
        #expect(again.values.count == reading.values.count && again.energy.count == reading.energy.count)
        #expect(try exceptions(simulator) == 0)
    }

    @Test func anAbsentRegisterInsideABlockCostsAtMostTwoMoreRequestsPerPoll() async throws {
        let (simulator, meter, _) = try meter("eastron-sdm630", lacking: "voltage_l2")
        defer { simulator.stop() }
        let blocks = await meter.blocks.count
        _ = try await meter.read()
        #expect(await meter.absentQuantities == [.voltageL2])
        for _ in 0..<3 {
            try simulator.control(["cmd": "reset_counts"])
            let reading = try await meter.read()
            #expect(reading.values[.voltageL1] != nil && reading.values[.voltageL3] != nil && reading.values[.voltageL2] == nil)
            #expect(try exceptions(simulator) == 0)
            let requests = try simulator.requestCount(unit: 1)
            #expect(requests <= blocks + 2, "a poll took \(requests) requests for \(blocks) blocks")
        }
    }

    /// A meter that hangs (answers every request seconds late), then answers at once again: the late
    /// answers queued on the connection are dropped after the first timeout, so the first poll after
    /// the hang reads, instead of one stale answer being drained per poll.
    @Test func aMeterThatHungAnswersAgainAtTheFirstPollAfterTheHang() async throws {
        let known = try KnownValues(profileNamed: "eastron-sdm630")
        let simulator = try ModbusSimulator(units: [1: "eastron-sdm630"], values: [1: known.simulatorValues])
        defer { simulator.stop() }
        let meter = ModbusMeter(name: "m", unit: 1, profile: known.profile,
                                bus: try bus(simulator, timing: BusTiming(responseTimeout: 0.2, retries: 1, retryBackoff: 0.02)))
        known.expectExact(try await meter.read())
        try simulator.control(["cmd": "delay", "unit": 1, "ms": 1_500])
        var failedPolls = 0
        let hangEnds = Date().addingTimeInterval(3)
        while Date() < hangEnds {
            do { _ = try await meter.read() } catch { failedPolls += 1 }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(failedPolls > 0, "the meter never hung")
        try simulator.control(["cmd": "delay", "unit": 1, "ms": 0])
        // The answer in flight when the hang ends is at most one delay late; after that every poll reads.
        try await Task.sleep(for: .milliseconds(1_600))
        var results: [Bool] = []
        for _ in 0..<5 {
            do { known.expectExact(try await meter.read()); results.append(true) } catch { results.append(false) }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(results == Array(repeating: true, count: 5), "polls after the hang: \(results)")
    }

    @Test func notAvailableMarkersAreAbsentNeverZero() async throws {
        let simulator = try ModbusSimulator(units: [1: "abb-b23", 2: "eastron-sdm630"])
        defer { simulator.stop() }
        try simulator.control(["cmd": "not_available", "unit": 1, "quantity": "voltage_l2", "marker": "all_ones"])
        try simulator.control(["cmd": "not_available", "unit": 1, "quantity": "active_power_l3", "marker": "signed_max"])
        try simulator.control(["cmd": "not_available", "unit": 2, "quantity": "frequency", "marker": "nan"])
        let bus = try bus(simulator)
        let abb = try await ModbusMeter(name: "abb", unit: 1, profile: KnownValues(profileNamed: "abb-b23").profile, bus: bus).read()
        #expect(abb.values[.voltageL2] == nil && abb.values[.activePowerL3] == nil)
        #expect(abb.values[.voltageL1] != nil)
        let sdm = try await ModbusMeter(name: "sdm", unit: 2, profile: KnownValues(profileNamed: "eastron-sdm630").profile, bus: bus).read()
        #expect(sdm.values[.frequency] == nil && sdm.values[.voltageL1] != nil)
    }

    @Test func exceptionResponsesAreTypedByName() async throws {
        let simulator = try ModbusSimulator(units: [1: "eastron-sdm630"])
        defer { simulator.stop() }
        let bus = try bus(simulator)
        await #expect(throws: DriverError.exception(.illegalDataAddress, unit: 1)) {
            _ = try await bus.read(.input, unit: 1, address: 0x9000, count: 2)
        }
        await #expect(throws: DriverError.exception(.gatewayTargetFailedToRespond, unit: 9)) {
            _ = try await bus.read(.input, unit: 9, address: 0, count: 2)
        }
    }

    @Test func aUnitThatNeverAnswersTimesOutWithinTheConfiguredBound() async throws {
        let simulator = try ModbusSimulator(units: [1: "eastron-sdm630"])
        defer { simulator.stop() }
        try simulator.control(["cmd": "silence", "unit": 1])
        let timing = BusTiming(responseTimeout: 0.2, retries: 2, retryBackoff: 0.05)
        let bus = try bus(simulator, timing: timing)
        let started = Date()
        await #expect(throws: DriverError.timeout(unit: 1)) {
            _ = try await bus.read(.input, unit: 1, address: 0, count: 2)
        }
        // Three attempts of 0.2 s and pauses of 0.05 and 0.1 s: 0.75 s, plus scheduling slack.
        let elapsed = Date().timeIntervalSince(started)
        // The upper bound leaves room for a loaded machine; the attempt count below is exact.
        #expect(elapsed >= 0.6 && elapsed < 3, "took \(elapsed) s")
        #expect(bus.transactionCount == 3)
    }

    @Test func aDroppedConnectionMidPollIsReopened() async throws {
        let known = try KnownValues(profileNamed: "eastron-sdm630")
        let simulator = try ModbusSimulator(units: [1: "eastron-sdm630"], values: [1: known.simulatorValues])
        defer { simulator.stop() }
        let meter = ModbusMeter(name: "m", unit: 1, profile: known.profile, bus: try bus(simulator))
        known.expectExact(try await meter.read())
        // The connection closes at the second block of the next poll, without an answer.
        try simulator.control(["cmd": "drop", "after": 1])
        known.expectExact(try await meter.read())
        known.expectExact(try await meter.read())
        let counts = try simulator.control(["cmd": "counts"])
        #expect(counts["dropped"] as? Int == 1)
    }

    @Test func garbledAnswersAreRetried() async throws {
        let known = try KnownValues(profileNamed: "eastron-sdm630")
        let simulator = try ModbusSimulator(units: [1: "eastron-sdm630"], values: [1: known.simulatorValues])
        defer { simulator.stop() }
        let bus = try bus(simulator)
        let meter = ModbusMeter(name: "m", unit: 1, profile: known.profile, bus: bus)
        for how in ["default", "short", "tid"] {
            try simulator.control(["cmd": "garble", "count": 1, "how": how])
            let before = bus.transactionCount
            known.expectExact(try await meter.read())
            // A poll is two requests (onePollTakesTheMinimumNumberOfTransactions); the garbled one was sent again.
            #expect(bus.transactionCount - before == 3, "\(how)")
        }
        #expect(try simulator.control(["cmd": "counts"])["garbled"] as? Int == 3)
    }

    @Test func aMeterSwitchedOffIsRefusedAndFoundAgainWhenBack() async throws {
        let simulator = try ModbusSimulator(units: [1: "eastron-sdm630"])
        defer { simulator.stop() }
        let bus = try bus(simulator, timing: BusTiming(responseTimeout: 0.2, retries: 0))
        _ = try await bus.read(.input, unit: 1, address: 0, count: 2)
        try simulator.control(["cmd": "off"])
        let refused = await #expect(throws: DriverError.self) { _ = try await bus.read(.input, unit: 1, address: 0, count: 2) }
        if case .modbus? = refused?.code {} else { Issue.record("not a Modbus error: \(String(describing: refused))") }
        do {
            _ = try await bus.read(.input, unit: 1, address: 0, count: 2)
            Issue.record("a switched-off meter answered")
        } catch {
            #expect(error == .connectionRefused(endpoint: "127.0.0.1:\(simulator.tcpPort!)"))
        }
        try simulator.control(["cmd": "on"])
        #expect(try await bus.read(.input, unit: 1, address: 0, count: 2).count == 2)
    }
}
