import FoundationEssentials

/// What one poll of a Modbus meter found, quantity by quantity: a value, or why there is none.
struct ModbusPoll {
    private var values: [Quantity: Double] = [:]
    private var energy: [Quantity: EnergyValue] = [:]
    private var unavailable: [Quantity: QuantityUnavailable] = [:]

    mutating func take(_ words: ArraySlice<UInt16>, as register: QuantityRegister) {
        let quantity = register.quantity
        unavailable[quantity] = nil
        do {
            switch try RegisterDecoder.decode(words, as: register) {
            case .value(let number): values[quantity] = number
            case .energy(let value): energy[quantity] = value
            case .notAvailable: unavailable[quantity] = register.dataType.isFloat ? .nan : .marker
            }
        } catch {
            unavailable[quantity] = .undecodable(error.description)
        }
    }

    mutating func markAbsent(_ quantity: Quantity) {
        guard values[quantity] == nil, energy[quantity] == nil else { return }
        unavailable[quantity] = .absent
    }

    func reading(meter: String) -> Reading {
        Reading(meter: meter, time: Date(), values: values, energy: energy, unavailable: unavailable)
    }
}
