import FoundationEssentials

/// A three-phase meter that needs no hardware: power follows `CommercialLoadCurve`, and the
/// cumulative import register integrates that power between reads (trapezoids), so energy and
/// power always agree. Deterministic from the seed and the times it is read at.
public actor SimulatedMeter: Meter {
    public nonisolated let name: String
    private let curve: CommercialLoadCurve
    private let phaseShares: [Double]
    private var energyMilliwattHours: Int64
    /// Energy not yet whole milliwatt-hours, carried to the next read so none is lost.
    private var energyRemainder: Double = 0
    private var lastRead: (time: Date, power: Double)?

    public init(name: String, seed: UInt64, peakPower: Double, startEnergyWh: Double) {
        self.name = name
        let curve = CommercialLoadCurve(seed: seed, peakPower: peakPower)
        self.curve = curve
        let raw = (0..<3).map { 1 + 0.1 * curve.knotValue(-1 - Int64($0)) }
        let sum = raw.reduce(0, +)
        self.phaseShares = raw.map { $0 / sum }
        self.energyMilliwattHours = Int64((startEnergyWh * 1000).rounded())
    }

    public func read() async throws -> Reading {
        read(at: Date())
    }

    public func read(at time: Date) -> Reading {
        let power = curve.power(at: time)
        if let last = lastRead, time > last.time {
            let hours = time.timeIntervalSince(last.time) / 3600
            let milliwattHours = (last.power + power) / 2 * hours * 1000 + energyRemainder
            let whole = milliwattHours.rounded(.down)
            energyMilliwattHours += Int64(whole)
            energyRemainder = milliwattHours - whole
        }
        if lastRead == nil || time > lastRead!.time { lastRead = (time, power) }

        let seconds = time.timeIntervalSince1970
        let powerFactor = 0.95 + 0.02 * curve.smoothNoise(seconds / 600 + 1000)
        var reading = Reading(meter: name, time: time)
        let voltages = [Quantity.voltageL1, .voltageL2, .voltageL3]
        let currents = [Quantity.currentL1, .currentL2, .currentL3]
        let powers = [Quantity.activePowerL1, .activePowerL2, .activePowerL3]
        for phase in 0..<3 {
            let volts = 230 + 3 * curve.smoothNoise(seconds / 60 + Double(phase) * 100)
            let watts = power * phaseShares[phase]
            reading.values[voltages[phase]] = volts
            reading.values[powers[phase]] = watts
            reading.values[currents[phase]] = watts / (volts * powerFactor)
        }
        reading.values[.activePowerTotal] = power
        reading.values[.powerFactorTotal] = powerFactor
        reading.values[.frequency] = 50 + 0.02 * curve.smoothNoise(seconds / 30 + 2000)
        reading.energy[.importActiveEnergy] = EnergyValue(milliwattHours: energyMilliwattHours, resolutionMilliwattHours: 1)
        reading.energy[.exportActiveEnergy] = EnergyValue(milliwattHours: 0, resolutionMilliwattHours: 1)
        return reading
    }
}
