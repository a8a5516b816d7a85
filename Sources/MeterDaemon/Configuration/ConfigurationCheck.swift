import Drivers

/// `meterd config check`: the configuration parses, and the service user can reach every device.
public struct ConfigurationCheck: Sendable {
    public var configuration: MeterdConfiguration?
    public var problems: [ConfigurationProblem]
    /// Things worth knowing that do not stop meterd.
    public var notes: [String]

    public var passed: Bool { problems.isEmpty }

    public static func run(path: String) -> ConfigurationCheck {
        let source: TOMLSource
        do { source = try TOMLSource.read(path: path) } catch {
            return ConfigurationCheck(configuration: nil, problems: error.problems, notes: [])
        }
        let configuration: MeterdConfiguration
        do { configuration = try ConfigurationLoader.parse(source) } catch {
            return ConfigurationCheck(configuration: nil, problems: error.problems, notes: [])
        }
        var problems: [ConfigurationProblem] = []
        var notes: [String] = []
        for (name, bus) in configuration.buses.sorted(by: { $0.key < $1.key }) {
            guard let device = bus.devicePath else { continue }
            let line = source.locator.line(of: ["buses", name, bus.deviceKey])
            let key = "buses.\(name).\(bus.deviceKey)"
            switch DeviceAccess.check(path: device, user: configuration.serviceUser) {
            case .accessible:
                break
            case .missing:
                problems.append(ConfigurationProblem(file: path, line: line, key: key, message: "\(device) does not exist",
                                                     fix: bus.missingDeviceFix))
            case .denied(let fix):
                problems.append(ConfigurationProblem(file: path, line: line, key: key,
                                                     message: "\(device) cannot be opened by user '\(configuration.serviceUser)'", fix: fix))
            case .unknownUser(let currentUserCanOpen):
                notes.append("user '\(configuration.serviceUser)' does not exist here; \(device) checked for the current user: "
                             + (currentUserCanOpen ? "it can open it" : "it cannot open it"))
            }
        }
        if let relay = configuration.relay {
            let gpio = RelayDeviceCheck.run(relay, user: configuration.serviceUser, source: source)
            problems += gpio.problems
            notes += gpio.notes
        }
        return ConfigurationCheck(configuration: configuration, problems: problems, notes: notes)
    }
}

extension BusConfiguration {
    var devicePath: String? {
        switch self {
        case .modbus(.rtu(let serial), _): return serial.device
        case .modbus(.tcp, _): return nil
        case .i2c(let device): return device
        }
    }

    var deviceKey: String {
        if case .i2c = self { return "bus" }
        return "device"
    }

    var missingDeviceFix: String {
        if case .i2c = self { return "enable I2C (raspi-config, or dtparam=i2c_arm=on in config.txt) and load i2c-dev" }
        return "is the RS-485 adapter plugged in? ls /dev/serial/by-id/ lists the adapters present"
    }
}
