import Foundation
import Testing
@testable import Drivers

@Suite struct EnergyRegisterGuardTests {
    func reading(_ milliwattHours: Int64, resolution: Int64 = 1) -> Reading {
        Reading(meter: "main", time: Date(), energy: [.importActiveEnergy: EnergyValue(milliwattHours: milliwattHours, resolutionMilliwattHours: resolution)])
    }

    @Test func growingValuesPass() {
        var guardian = EnergyRegisterGuard()
        for value in [Int64(1000), 1000, 1500, 9000] {
            let (admitted, rejections) = guardian.admit(reading(value))
            #expect(rejections.isEmpty)
            #expect(admitted.energy[.importActiveEnergy]?.milliwattHours == value)
        }
    }

    @Test func aSpuriousZeroIsRejectedAndTheNextGoodValueCarriesOn() {
        var guardian = EnergyRegisterGuard()
        _ = guardian.admit(reading(5_000_000))
        let (zero, rejections) = guardian.admit(reading(0))
        #expect(zero.energy[.importActiveEnergy] == nil)
        #expect(rejections.map(\.description) == ["main: import_active_energy rejected as a spurious zero: 0 mWh after 5000000 mWh"])
        let (next, none) = guardian.admit(reading(5_000_100))
        #expect(none.isEmpty && next.energy[.importActiveEnergy]?.milliwattHours == 5_000_100)
    }

    @Test func aBackwardsStepIsRejectedButJitterWithinResolutionIsNot() {
        var guardian = EnergyRegisterGuard()
        _ = guardian.admit(reading(1_000_000_000, resolution: 62_500))
        #expect(guardian.admit(reading(999_950_000, resolution: 62_500)).rejections.isEmpty)
        let (back, rejections) = guardian.admit(reading(999_000_000, resolution: 62_500))
        #expect(back.energy[.importActiveEnergy] == nil)
        #expect(rejections.count == 1 && rejections[0].previous == 1_000_000_000)
    }
}
