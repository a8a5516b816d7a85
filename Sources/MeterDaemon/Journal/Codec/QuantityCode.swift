import Drivers

/// The journal's fixed bit number for each quantity. Part of the on-disk format: never renumber;
/// a new quantity takes the next free number (the switch is exhaustive so adding one fails to build here).
enum QuantityCode {
    static func code(_ quantity: Quantity) -> Int {
        switch quantity {
        case .voltageL1: return 0
        case .voltageL2: return 1
        case .voltageL3: return 2
        case .currentL1: return 3
        case .currentL2: return 4
        case .currentL3: return 5
        case .activePowerL1: return 6
        case .activePowerL2: return 7
        case .activePowerL3: return 8
        case .activePowerTotal: return 9
        case .apparentPowerTotal: return 10
        case .reactivePowerTotal: return 11
        case .powerFactorL1: return 12
        case .powerFactorL2: return 13
        case .powerFactorL3: return 14
        case .powerFactorTotal: return 15
        case .frequency: return 16
        case .dcVoltage: return 17
        case .dcCurrent: return 18
        case .temperature: return 19
        case .importActiveEnergy: return 20
        case .exportActiveEnergy: return 21
        case .importActiveEnergyL1: return 22
        case .importActiveEnergyL2: return 23
        case .importActiveEnergyL3: return 24
        case .exportActiveEnergyL1: return 25
        case .exportActiveEnergyL2: return 26
        case .exportActiveEnergyL3: return 27
        }
    }

    /// Quantities by code; nil where a code is unassigned.
    static let byCode: [Quantity?] = {
        var table = [Quantity?](repeating: nil, count: 64)
        for quantity in Quantity.allCases { table[code(quantity)] = quantity }
        return table
    }()

    /// The quantities of a mask, in code order (the order their values are stored in).
    static func quantities(in mask: UInt64) throws -> [Quantity] {
        var result: [Quantity] = []
        for bit in 0..<64 where mask & (1 << UInt64(bit)) != 0 {
            guard let quantity = byCode[bit] else { throw MeterdError.unknownQuantity(bit) }
            result.append(quantity)
        }
        return result
    }

    static func mask<S: Sequence>(_ quantities: S) -> UInt64 where S.Element == Quantity {
        quantities.reduce(0) { $0 | (1 << UInt64(code($1))) }
    }
}
