import Drivers

/// meterd's configuration (/etc/meterd/meterd.toml), as typed, validated values.
public struct MeterdConfiguration: Sendable {
    /// The service user; `meterd config check` verifies that it can reach every device.
    var serviceUser: String
    /// Seconds between two polls of each meter.
    var pollInterval: Double
    var profileDirectories: [String]
    /// Slot length, for judging whether an energy register's resolution is fine enough.
    var slotLength: Int
    public var buses: [String: BusConfiguration]
    /// In name order.
    public var meters: [MeterConfiguration]
    public var daemon: DaemonSettings
    /// The file this came from.
    var path: String
    /// `[relay]` and `[limiter]`; nil when the site has no relay (docs/cutoff.md).
    public var relay: RelayConfiguration? = nil
    var limiter: LimiterConfiguration? = nil
    /// `[chain]`: absent when meterd only reads and journals.
    public var chain: ChainConfiguration? = nil
    /// `[guard]`: the slot guard's interval without a chain, and the site's highest power.
    var slotGuard: GuardConfiguration? = nil

    public func meter(named name: String) -> MeterConfiguration? { meters.first { $0.name == name } }
}

/// A bus several meters may share.
public enum BusConfiguration: Sendable, Equatable {
    case modbus(ModbusEndpoint, BusTiming)
    /// An I2C adapter, /dev/i2c-N.
    case i2c(device: String)
}

public struct MeterConfiguration: Sendable {
    public var name: String
    var source: MeterSource
    /// The consumption a slot is expected to have, for the energy-resolution warning.
    public var expectedSlotWh: Double?
}

enum MeterSource: Sendable {
    case modbus(bus: String, unit: UInt8, profile: MeterProfile)
    case i2c(bus: String, address: UInt8, chip: I2CChipSettings)
    case simulated(SimulatedMeterSettings)
}

/// The metering chips meterd drives over I2C, with the board's calibration constants.
enum I2CChipSettings: Sendable, Equatable {
    /// Gains per LSB depend on the board's shunt and divider: they come from the board's calibration.
    case ade7953(voltsPerLSB: Double, ampsPerLSB: Double, wattsPerLSB: Double, watthoursPerLSB: Double)
    case ina228(shuntOhms: Double, maxCurrent: Double, wideRange: Bool)

    var chipName: String {
        switch self {
        case .ade7953: return "ade7953"
        case .ina228: return "ina228"
        }
    }
}

/// The simulated meter: a commercial site's load, deterministic from a seed.
struct SimulatedMeterSettings: Sendable, Equatable {
    var seed: UInt64
    var peakPower: Double
    var startEnergyWh: Double

    init(seed: UInt64, peakPower: Double = 40_000, startEnergyWh: Double = 1_000_000) {
        self.seed = seed
        self.peakPower = peakPower
        self.startEnergyWh = startEnergyWh
    }
}
