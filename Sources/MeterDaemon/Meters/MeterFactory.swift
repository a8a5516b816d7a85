import Drivers
import Logging

/// Opens what the configuration describes: one `ModbusBus` per configured bus, shared by every
/// meter on it, and one `Meter` per configured meter.
public struct MeterSet: Sendable {
    var meters: [any Meter]
    var modbusBuses: [String: ModbusBus]

    func meter(named name: String) -> (any Meter)? { meters.first { $0.name == name } }
}

public enum MeterFactory {
    public static func make(_ configuration: MeterdConfiguration, only names: Set<String>? = nil,
                            logger: Logger = Logger(label: "meterd")) throws(MeterdError) -> MeterSet {
        var set = MeterSet(meters: [], modbusBuses: [:])
        var i2cBuses: [String: any I2CBus] = [:]
        for meter in configuration.meters where names?.contains(meter.name) ?? true {
            switch meter.source {
            case .simulated(let settings):
                set.meters.append(SimulatedMeter(name: meter.name, seed: settings.seed, peakPower: settings.peakPower, startEnergyWh: settings.startEnergyWh))
            case .modbus(let busName, let unit, let profile):
                let bus = try modbusBus(busName, in: configuration, opened: &set.modbusBuses, logger: logger)
                set.meters.append(ModbusMeter(name: meter.name, unit: unit, profile: profile, bus: bus, logger: logger))
            case .i2c(let busName, let address, let chip):
                let bus = try i2cBus(busName, in: configuration, opened: &i2cBuses)
                set.meters.append(I2CMeter(name: meter.name, bus: bus, chip: chip.driverChip(address: address)))
            }
        }
        return set
    }

    private static func i2cBus(_ name: String, in configuration: MeterdConfiguration,
                               opened: inout [String: any I2CBus]) throws(MeterdError) -> any I2CBus {
        if let bus = opened[name] { return bus }
        guard case .i2c(let device) = configuration.buses[name] else {
            throw MeterdError.meterSetup(.notAnI2CBus, "bus \(name) is not an I2C bus")
        }
        do {
            let bus = try LinuxI2CBus(path: device)
            opened[name] = bus
            return bus
        } catch {
            throw MeterdError.meterSetup(.bus, "bus \(name): \(error)")
        }
    }

    private static func modbusBus(_ name: String, in configuration: MeterdConfiguration, opened: inout [String: ModbusBus],
                                  logger: Logger) throws(MeterdError) -> ModbusBus {
        if let bus = opened[name] { return bus }
        guard case .modbus(let endpoint, let timing) = configuration.buses[name] else {
            throw MeterdError.notAModbusBus(name)
        }
        do {
            let bus = try ModbusBus(endpoint: endpoint, timing: timing, logger: logger)
            opened[name] = bus
            return bus
        } catch {
            throw MeterdError.meterSetup(.bus, "bus \(name): \(error)")
        }
    }
}

extension I2CChipSettings {
    func driverChip(address: UInt8) -> I2CMeter.Chip {
        switch self {
        case .ade7953(let volts, let amps, let watts, let watthours):
            return .ade7953(ADE7953Calibration(
                voltsPerLSB: volts, channelA: .init(amperesPerLSB: amps, wattsPerLSB: watts, wattHoursPerLSB: watthours)))
        case .ina228(let shunt, let maxCurrent, let wideRange):
            return .ina228(address: address, INA228Calibration(
                shuntOhms: shunt, maxCurrentAmperes: maxCurrent, shuntRange: wideRange ? .millivolts40_96 : .millivolts163_84))
        }
    }
}
