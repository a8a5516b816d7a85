/// A metering chip on an I2C bus as a `Meter`.
///
/// The chip driver is set up on the first read and again after any failed read, so a chip that is
/// missing at start, or browns out and loses its configuration, is found and configured again.
/// Cumulative energy carries on from the last reading across such a restart, never from zero.
public actor I2CMeter: Meter {
    public enum Chip: Sendable, Equatable {
        case ade7953(ADE7953Calibration)
        case ina228(address: UInt8, INA228Calibration)
    }

    private enum Driver {
        case ade7953(ADE7953)
        case ina228(INA228)
    }

    public nonisolated let name: String
    private let bus: any I2CBus
    private let chip: Chip
    private var driver: Driver?
    private var lastImport: Int64
    private var lastExport: Int64 = 0

    public init(name: String, bus: any I2CBus, chip: Chip, importEnergyAtStartMilliwattHours: Int64 = 0) {
        self.name = name
        self.bus = bus
        self.chip = chip
        self.lastImport = importEnergyAtStartMilliwattHours
    }

    public func read() async throws -> Reading {
        do {
            let reading = try readOnce()
            lastImport = reading.energy[.importActiveEnergy]?.milliwattHours ?? lastImport
            lastExport = reading.energy[.exportActiveEnergy]?.milliwattHours ?? lastExport
            return reading
        } catch {
            driver = nil
            throw error
        }
    }

    private func readOnce() throws(DriverError) -> Reading {
        switch driver {
        case .ade7953(var ade):
            defer { driver = .ade7953(ade) }
            return try ade.read()
        case .ina228(var ina):
            defer { driver = .ina228(ina) }
            return try ina.read()
        case nil:
            switch chip {
            case .ade7953(let calibration):
                driver = .ade7953(try ADE7953(bus: bus, meter: name, calibration: calibration,
                                              importEnergyAtStartMilliwattHours: lastImport, exportEnergyAtStartMilliwattHours: lastExport))
            case .ina228(let address, let calibration):
                driver = .ina228(try INA228(bus: bus, address: address, meter: name, calibration: calibration,
                                            importEnergyAtStartMilliwattHours: lastImport))
            }
            return try readOnce()
        }
    }
}
