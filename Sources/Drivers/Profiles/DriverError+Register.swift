/// Why a quantity's registers could not be turned into a value.
extension DriverError {
    /// A quantity took `expected` registers, but `got` came.
    static func wrongRegisterCount(expected: Int, got: Int) -> DriverError {
        DriverError(.register(.wrongRegisterCount(expected: expected, got: got)), place: nil, message:
            "expected \(expected) registers, got \(got)")
    }

    /// An energy register of `quantity` beyond what meterd can carry.
    static func energyOutOfRange(_ quantity: Quantity) -> DriverError {
        DriverError(.register(.energyOutOfRange), place: .quantity(quantity), message:
            "\(quantity.rawValue) is beyond what meterd can carry (more than 9.2e9 kWh): check the profile's scale")
    }
}
