/// One Modbus read transaction: a contiguous run of registers of one function, and the quantities in it.
struct RegisterBlock: Sendable, Hashable {
    var function: RegisterFunction
    var start: UInt16
    var count: Int
    var quantities: [QuantityRegister]

    /// The slice of this block's registers that hold `register`.
    func words(of register: QuantityRegister, in registers: [UInt16]) -> ArraySlice<UInt16> {
        let offset = Int(register.address) - Int(start)
        return registers[offset..<(offset + register.registerCount)]
    }
}

/// Coalesces a profile's registers into as few read transactions as the layout allows.
///
/// Registers of the same function are merged while the block stays within `maxRegisters` (the
/// Modbus limit is 125) and the hole between two quantities is at most `maxGap` registers: reading
/// a few unused registers costs two bytes each on the wire, far less than another request and the
/// meter's turnaround. A hole is never bridged over a register in `avoiding` (one the unit answered
/// with exception 2), or every poll would ask for it again.
public enum ReadPlanner {
    public static let modbusMaxRegisters = 125

    static func plan(_ registers: [QuantityRegister], maxRegisters: Int = modbusMaxRegisters, maxGap: Int,
                            avoiding absent: [QuantityRegister] = []) -> [RegisterBlock] {
        var blocks: [RegisterBlock] = []
        for function in RegisterFunction.allCases {
            let sorted = registers.filter { $0.function == function }.sorted { $0.address < $1.address }
            var current: RegisterBlock?
            for register in sorted {
                if var block = current {
                    let blockEnd = Int(block.start) + block.count
                    let newEnd = max(blockEnd, register.endAddress)
                    let gap = Int(register.address) - blockEnd
                    let bridgesAbsent = absent.contains { $0.function == function && $0.endAddress > blockEnd && Int($0.address) < Int(register.address) }
                    if gap <= maxGap, newEnd - Int(block.start) <= maxRegisters, !bridgesAbsent {
                        block.count = newEnd - Int(block.start)
                        block.quantities.append(register)
                        current = block
                        continue
                    }
                    blocks.append(block)
                }
                current = RegisterBlock(function: function, start: register.address, count: register.registerCount, quantities: [register])
            }
            if let block = current { blocks.append(block) }
        }
        return blocks
    }
}
