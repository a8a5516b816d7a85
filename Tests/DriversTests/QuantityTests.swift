import Testing
@testable import Drivers

@Suite struct QuantityTests {
    @Test func energyQuantitiesAreCumulativeAndShownInKilowattHours() {
        for quantity in Quantity.allCases where quantity.isCumulativeEnergy {
            #expect(quantity.unit == "kWh")
        }
        #expect(!Quantity.activePowerTotal.isCumulativeEnergy)
    }

    @Test func configNamesRoundTrip() {
        for quantity in Quantity.allCases {
            #expect(Quantity(rawValue: quantity.rawValue) == quantity)
        }
        #expect(Quantity(rawValue: "import_active_energy") == .importActiveEnergy)
    }
}
