import FoundationEssentials

/// A TI INA228 (DC shunt monitor) read as a meter: bus voltage, current, power, die temperature and
/// cumulative energy.
///
/// Construction identifies the chip, resets it (which also clears ENERGY) and programs ADCRANGE and
/// SHUNT_CAL. Every register is read with its own pointer write, as the chip has no burst read; each
/// transfer has a one-byte pointer, so it works over SMBus word and I2C-block transfers too.
///
/// Energy: ENERGY is an unsigned 40-bit count of 51.2 × current-LSB joules of |power|, wrapping at
/// 2^40. The driver adds the difference modulo 2^40 between consecutive reads to an exact integer count,
/// so a wrap between two reads is counted; read at least once per wrap period (2^40 LSBs: about 25 days
/// at full scale). The reported `importActiveEnergy` is `importEnergyAtStartMilliwattHours` (what the
/// daemon restored from its journal) plus what the chip counted since construction. The INA228 measures
/// |power|, so energy in either direction through the shunt counts.
struct INA228: Sendable {
    let bus: any I2CBus
    let address: UInt8
    let meter: String
    let calibration: INA228Calibration
    /// The silicon revision from DEVICE_ID bits 3..0.
    let revision: UInt8
    let importEnergyAtStartMilliwattHours: Int64

    private var lastEnergyRegister: UInt64 = 0
    private var counted: EnergyRegisterTotal

    init(
        bus: any I2CBus,
        address: UInt8 = 0x40,
        meter: String,
        calibration: INA228Calibration,
        importEnergyAtStartMilliwattHours: Int64 = 0
    ) throws(DriverError) {
        let shuntCalibration = try calibration.shuntCalibrationRegister(bus: bus.name, address: address)
        self.bus = bus
        self.address = address
        self.meter = meter
        self.calibration = calibration
        self.importEnergyAtStartMilliwattHours = importEnergyAtStartMilliwattHours
        self.counted = EnergyRegisterTotal(milliwattHoursPerLSB: calibration.energyMilliwattHoursPerLSB)

        let manufacturer = try Self.read(.manufacturerID, bus: bus, address: address)
        let device = try Self.read(.deviceID, bus: bus, address: address)
        guard let revision = INA228Identity.revision(manufacturer: manufacturer, device: device) else {
            throw .i2c(.unexpectedDevice, bus: bus.name, address: address, message:
                "is not an INA228 (MANUFACTURER_ID \(I2CAddressFormat.hex(manufacturer, digits: 4)), DEVICE_ID "
                + "\(I2CAddressFormat.hex(device, digits: 4)); an INA228 has 0x5449 and 0x228x); check the "
                + "address in the configuration against what meterd's I2C probe finds")
        }
        self.revision = revision
        try write(.config, INA228Config.reset)
        if calibration.shuntRange == .millivolts40_96 {
            try write(.config, INA228Config.adcRange)
        }
        try write(.shuntCalibration, shuntCalibration)
    }

    /// One read cycle: VBUS, DIETEMP, CURRENT, POWER, ENERGY.
    mutating func read() throws(DriverError) -> Reading {
        let bus = try read(.busVoltage)
        let temperature = try read(.dieTemperature)
        let current = try read(.current)
        let power = try read(.power)
        let energy = try read(.energy)

        counted.add(lsb: (energy &- lastEnergyRegister) % INA228Scale.energyModulus)
        lastEnergyRegister = energy

        let currentLSB = calibration.currentAmperesPerLSB
        return Reading(
            meter: meter,
            time: Date(),
            values: [
                .dcVoltage: Double(Self.twentyBitValue(bus)) * INA228Scale.busVoltsPerLSB,
                .dcCurrent: Double(Self.twentyBitValue(current)) * currentLSB,
                .activePowerTotal: Double(power) * calibration.powerWattsPerLSB,
                .temperature: Double(RegisterBytes.signExtend(temperature, bits: 16)) * INA228Scale.dieCelsiusPerLSB,
            ],
            energy: [
                .importActiveEnergy: EnergyValue(
                    milliwattHours: importEnergyAtStartMilliwattHours + counted.milliwattHours,
                    resolutionMilliwattHours: counted.resolutionMilliwattHours),
            ]
        )
    }

    /// The 20-bit two's-complement value in bits 23..4 of VSHUNT, VBUS and CURRENT.
    static func twentyBitValue(_ register: UInt64) -> Int64 {
        RegisterBytes.signExtend(register >> 4, bits: 20)
    }

    private func read(_ register: INA228Register) throws(DriverError) -> UInt64 {
        try Self.read(register, bus: bus, address: address)
    }

    private func write(_ register: INA228Register, _ value: UInt64) throws(DriverError) {
        try bus.write(address: address, bytes: [register.rawValue] + RegisterBytes.bytes(of: value, width: register.width))
    }

    static func read(_ register: INA228Register, bus: any I2CBus, address: UInt8) throws(DriverError) -> UInt64 {
        RegisterBytes.unsigned(try bus.writeThenRead(address: address, bytes: [register.rawValue], count: register.width))
    }
}
