import FoundationEssentials

/// An Analog Devices ADE7953 (single-phase AC metering chip) read as a meter: voltage, current and
/// active power of channel A (and of channel B as L2, when calibrated), frequency, and cumulative
/// import and export energy.
///
/// Construction identifies the chip by AP_NOLOAD's reset value, writes 0xAD to 0xFE and then 0x30 to
/// 0x120 as the datasheet requires for its specified performance, selects signed accumulation
/// (ACCMODE 0) and read-with-reset without line-cycle accumulation (LCYCMODE 0x40), and empties the
/// energy accumulators. Each register needs its own transaction (16-bit address, repeated start, read).
///
/// Energy: read-with-reset, because a free-running 24-bit signed accumulator would wrap in about 40 s at
/// full scale and, being signed, cannot tell wrap from export. Each read returns the energy since the
/// previous read: positive amounts add to import, negative to export, as exact integer LSB counts per
/// channel, so import and export within one poll interval net out. Energy is lost only if one poll
/// interval lets an accumulator overflow (about 40 s at full scale), so poll well inside that. The
/// reported totals start at the values given at construction (the daemon restores them from its
/// journal after a restart).
struct ADE7953: Sendable {
    static let address: UInt8 = ADE7953Constants.address

    let bus: any I2CBus
    let meter: String
    let calibration: ADE7953Calibration
    let siliconVersion: UInt8
    let importEnergyAtStartMilliwattHours: Int64
    let exportEnergyAtStartMilliwattHours: Int64

    private var importA: EnergyRegisterTotal
    private var exportA: EnergyRegisterTotal
    private var importB: EnergyRegisterTotal?
    private var exportB: EnergyRegisterTotal?

    init(
        bus: any I2CBus,
        meter: String,
        calibration: ADE7953Calibration,
        importEnergyAtStartMilliwattHours: Int64 = 0,
        exportEnergyAtStartMilliwattHours: Int64 = 0
    ) throws(DriverError) {
        let address = Self.address
        try calibration.validate(bus: bus.name, address: address)
        self.bus = bus
        self.meter = meter
        self.calibration = calibration
        self.importEnergyAtStartMilliwattHours = importEnergyAtStartMilliwattHours
        self.exportEnergyAtStartMilliwattHours = exportEnergyAtStartMilliwattHours
        let milliwattHoursA = calibration.channelA.wattHoursPerLSB * 1000
        importA = EnergyRegisterTotal(milliwattHoursPerLSB: milliwattHoursA)
        exportA = EnergyRegisterTotal(milliwattHoursPerLSB: milliwattHoursA)
        if let channelB = calibration.channelB {
            importB = EnergyRegisterTotal(milliwattHoursPerLSB: channelB.wattHoursPerLSB * 1000)
            exportB = EnergyRegisterTotal(milliwattHoursPerLSB: channelB.wattHoursPerLSB * 1000)
        }

        let noLoad = try Self.read(ADE7953Register.activePowerNoLoad, bus: bus)
        guard noLoad == ADE7953Constants.activePowerNoLoadDefault else {
            throw .i2c(.unexpectedDevice, bus: bus.name, address: address, message:
                "does not answer as an ADE7953 (AP_NOLOAD reads \(I2CAddressFormat.hex(noLoad, digits: 8)), "
                + "not 0x0000E419); check the configured bus against what meterd's I2C probe finds")
        }
        siliconVersion = UInt8(truncatingIfNeeded: try Self.read(ADE7953Register.version, bus: bus))
        try write(ADE7953Register.unlock, ADE7953Constants.unlockKey)
        try write(ADE7953Register.optimumSettings, ADE7953Constants.optimumSettingsValue)
        try write(ADE7953Register.accumulationMode, 0)
        try write(ADE7953Register.lineCycleMode, ADE7953Constants.readWithReset)
        _ = try read(ADE7953Register.activeEnergyA)
        _ = try read(ADE7953Register.activeEnergyB)
    }

    /// One read cycle: VRMS, PERIOD, IRMSA, AWATT, AENERGYA, and IRMSB, BWATT, AENERGYB with channel B.
    mutating func read() throws(DriverError) -> Reading {
        let voltage = Double(try read(ADE7953Register.voltageRMS)) * calibration.voltsPerLSB
        let period = try read(ADE7953Register.period)
        let channelA = try readChannel(
            calibration.channelA, current: ADE7953Register.currentRMSA, power: ADE7953Register.activePowerA,
            energy: ADE7953Register.activeEnergyA, importTotal: &importA, exportTotal: &exportA)

        var values: [Quantity: Double] = [
            .voltageL1: voltage,
            .currentL1: channelA.current,
            .activePowerL1: channelA.power,
        ]
        var totalPower = channelA.power
        if let channelB = calibration.channelB, var importB, var exportB {
            let readingB = try readChannel(
                channelB, current: ADE7953Register.currentRMSB, power: ADE7953Register.activePowerB,
                energy: ADE7953Register.activeEnergyB, importTotal: &importB, exportTotal: &exportB)
            self.importB = importB
            self.exportB = exportB
            values[.currentL2] = readingB.current
            values[.activePowerL2] = readingB.power
            totalPower += readingB.power
        }
        values[.activePowerTotal] = totalPower
        // PERIOD is 0 before the first zero crossing and saturates without a line voltage.
        if period > 0 && period < 0xFFFF {
            values[.frequency] = ADE7953Constants.periodClockHertz / Double(period + 1)
        }

        let imports = [importA] + [importB].compactMap { $0 }
        let exports = [exportA] + [exportB].compactMap { $0 }
        return Reading(meter: meter, time: Date(), values: values, energy: [
            .importActiveEnergy: Self.energyValue(start: importEnergyAtStartMilliwattHours, totals: imports),
            .exportActiveEnergy: Self.energyValue(start: exportEnergyAtStartMilliwattHours, totals: exports),
        ])
    }

    private func readChannel(
        _ gains: ADE7953Calibration.Channel, current: UInt16, power: UInt16, energy: UInt16,
        importTotal: inout EnergyRegisterTotal, exportTotal: inout EnergyRegisterTotal
    ) throws(DriverError) -> (current: Double, power: Double) {
        let rms = try read(current)
        let watts = RegisterBytes.signExtend(try read(power), bits: 32)
        let accumulated = RegisterBytes.signExtend(try read(energy), bits: 32)
        if accumulated >= 0 {
            importTotal.add(lsb: UInt64(accumulated))
        } else {
            exportTotal.add(lsb: UInt64(-accumulated))
        }
        return (Double(rms) * gains.amperesPerLSB, Double(watts) * gains.wattsPerLSB)
    }

    private static func energyValue(start: Int64, totals: [EnergyRegisterTotal]) -> EnergyValue {
        EnergyValue(
            milliwattHours: start + totals.reduce(0) { $0 + $1.milliwattHours },
            resolutionMilliwattHours: totals.map(\.resolutionMilliwattHours).max() ?? 1)
    }

    private func read(_ register: UInt16) throws(DriverError) -> UInt64 {
        try Self.read(register, bus: bus)
    }

    private func write(_ register: UInt16, _ value: UInt64) throws(DriverError) {
        let data = RegisterBytes.bytes(of: value, width: ADE7953Register.width(of: register))
        try bus.write(address: Self.address, bytes: ADE7953Register.addressBytes(register) + data)
    }

    static func read(_ register: UInt16, bus: any I2CBus) throws(DriverError) -> UInt64 {
        RegisterBytes.unsigned(try bus.writeThenRead(
            address: address, bytes: ADE7953Register.addressBytes(register), count: ADE7953Register.width(of: register)))
    }
}
