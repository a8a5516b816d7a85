import Foundation
import Testing
@testable import Drivers

@Suite struct SimulatedMeterTests {
    /// A Wednesday, 00:00 UTC.
    let midnight = Date(timeIntervalSince1970: 1_700_006_400)

    @Test func theSameSeedGivesTheSameReadings() async {
        let a = SimulatedMeter(name: "a", seed: 42, peakPower: 40_000, startEnergyWh: 0)
        let b = SimulatedMeter(name: "a", seed: 42, peakPower: 40_000, startEnergyWh: 0)
        let c = SimulatedMeter(name: "a", seed: 43, peakPower: 40_000, startEnergyWh: 0)
        for step in 0..<50 {
            let time = midnight.addingTimeInterval(Double(step) * 97)
            let (ra, rb, rc) = (await a.read(at: time), await b.read(at: time), await c.read(at: time))
            #expect(ra == rb)
            if step > 0 { #expect(ra.values[.activePowerTotal] != rc.values[.activePowerTotal]) }
        }
    }

    @Test func energyAgreesWithIntegratedPower() async {
        let meter = SimulatedMeter(name: "m", seed: 7, peakPower: 40_000, startEnergyWh: 1_000)
        var integrated = 0.0
        var previous: (Date, Double)?
        var first: Int64 = 0
        var last: Int64 = 0
        for step in 0...(24 * 60) { // one day, a read a minute
            let time = midnight.addingTimeInterval(Double(step) * 60)
            let reading = await meter.read(at: time)
            let power = reading.values[.activePowerTotal]!
            let energy = reading.energy[.importActiveEnergy]!.milliwattHours
            if let (t, p) = previous {
                integrated += (p + power) / 2 * time.timeIntervalSince(t) / 3600 * 1000
                #expect(energy >= last, "cumulative energy never steps back")
            } else {
                first = energy
            }
            previous = (time, power)
            last = energy
        }
        #expect(first == 1_000_000)
        #expect(abs(Double(last - first) - integrated) < 1, "energy differs from integrated power by less than 1 mWh")
        // A commercial site of 40 kW peak uses a few hundred kWh a working day.
        #expect((200_000_000...700_000_000).contains(last - first))
    }

    @Test func theLoadCurveLooksLikeACommercialSite() {
        let curve = CommercialLoadCurve(seed: 1, peakPower: 100_000)
        let night = curve.power(at: midnight.addingTimeInterval(3 * 3600))
        let working = curve.power(at: midnight.addingTimeInterval(10 * 3600))
        let saturday = curve.power(at: midnight.addingTimeInterval(3 * 86_400 + 10 * 3600))
        #expect(night < working / 2)
        #expect(saturday < working * 0.75)
        #expect((70_000...110_000).contains(working))
    }

    @Test func phasesAddUpAndCurrentsFollowPower() async {
        let meter = SimulatedMeter(name: "m", seed: 3, peakPower: 40_000, startEnergyWh: 0)
        let reading = await meter.read(at: midnight.addingTimeInterval(11 * 3600))
        let phases = [Quantity.activePowerL1, .activePowerL2, .activePowerL3].map { reading.values[$0]! }
        #expect(abs(phases.reduce(0, +) - reading.values[.activePowerTotal]!) < 1e-6)
        let current = reading.values[.currentL1]!
        let expected = reading.values[.activePowerL1]! / (reading.values[.voltageL1]! * reading.values[.powerFactorTotal]!)
        #expect(abs(current - expected) < 1e-9)
        #expect((49.9...50.1).contains(reading.values[.frequency]!))
    }
}
