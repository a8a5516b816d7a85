import Testing
@testable import Drivers

@Suite struct ReadPlanTests {
    func register(_ quantity: Quantity, _ address: UInt16, _ type: RegisterDataType = .float32, function: RegisterFunction = .input) -> QuantityRegister {
        QuantityRegister(quantity: quantity, function: function, address: address, dataType: type, unit: quantity.isCumulativeEnergy ? .kilowattHour : .watt)
    }

    @Test func contiguousRegistersBecomeOneRead() {
        let blocks = ReadPlanner.plan([register(.voltageL1, 0), register(.voltageL2, 2), register(.voltageL3, 4)], maxGap: 0)
        #expect(blocks.count == 1)
        #expect(blocks[0].start == 0 && blocks[0].count == 6)
    }

    @Test func gapsUpToTheToleranceAreBridged() {
        let registers = [register(.voltageL1, 0), register(.frequency, 10)]
        #expect(ReadPlanner.plan(registers, maxGap: 8).count == 1)
        #expect(ReadPlanner.plan(registers, maxGap: 7).count == 2)
    }

    @Test func aHoleIsNeverBridgedOverAnAbsentRegister() {
        let registers = [register(.voltageL1, 0), register(.voltageL3, 4), register(.frequency, 10)]
        let blocks = ReadPlanner.plan(registers, maxGap: 8, avoiding: [register(.voltageL2, 2)])
        #expect(blocks.map { [$0.start, UInt16($0.count)] } == [[0, 2], [4, 8]])
    }

    @Test func blocksNeverExceed125Registers() {
        let registers = (0..<100).map { register(Quantity.allCases[$0 % Quantity.allCases.count], UInt16($0 * 2)) }
        let blocks = ReadPlanner.plan(registers, maxGap: 10)
        #expect(blocks.allSatisfy { $0.count <= 125 })
        #expect(blocks.count == 2) // 200 registers need at least two reads
        #expect(blocks.flatMap(\.quantities).count == 100)
    }

    @Test func functionsAreNeverMixed() {
        let blocks = ReadPlanner.plan([register(.voltageL1, 0), register(.voltageL2, 2, function: .holding)], maxGap: 30)
        #expect(blocks.count == 2)
        #expect(Set(blocks.map(\.function)) == [.input, .holding])
    }

    @Test func wordsOfAQuantityAreSlicedFromItsBlock() {
        let voltage = register(.voltageL1, 0x10)
        let energy = register(.importActiveEnergy, 0x14)
        let block = ReadPlanner.plan([voltage, energy], maxGap: 4)[0]
        let registers: [UInt16] = [1, 2, 3, 4, 5, 6]
        #expect(Array(block.words(of: energy, in: registers)) == [5, 6])
        #expect(Array(block.words(of: voltage, in: registers)) == [1, 2])
    }
}
