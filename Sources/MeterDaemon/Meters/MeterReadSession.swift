import Drivers

/// Reads a set of meters, one poll at a time, keeping each meter's energy guard across polls:
/// what `meterd read` and `meterd read --watch` do.
public actor MeterReadSession {
    public enum Result: Sendable {
        case read(Reading)
        case failed(String)
    }

    public struct Outcome: Sendable {
        public var meter: String
        public var heading: String
        public var result: Result
        public var rejections: [EnergyRegisterGuard.Rejection]
    }

    private let configuration: MeterdConfiguration
    private let meters: MeterSet
    private var guards: [String: EnergyRegisterGuard] = [:]

    public init(configuration: MeterdConfiguration, meters: MeterSet) {
        self.configuration = configuration
        self.meters = meters
    }

    /// One poll of every meter, in configuration order.
    public func readAll() async -> [Outcome] {
        var outcomes: [Outcome] = []
        for meter in meters.meters {
            let heading = configuration.meter(named: meter.name).map { $0.heading(in: configuration) } ?? meter.name
            do {
                let reading = try await meter.read()
                let (admitted, rejections) = guards[meter.name, default: EnergyRegisterGuard()].admit(reading)
                outcomes.append(Outcome(meter: meter.name, heading: heading, result: .read(admitted), rejections: rejections))
            } catch {
                outcomes.append(Outcome(meter: meter.name, heading: heading, result: .failed("\(error)"), rejections: []))
            }
        }
        return outcomes
    }
}

extension MeterConfiguration {
    /// "main: Eastron SDM630, unit 1 on /dev/ttyUSB0", for headings and log lines.
    func heading(in configuration: MeterdConfiguration) -> String {
        switch source {
        case .modbus(let bus, let unit, let profile):
            let place = configuration.buses[bus].map { if case .modbus(let endpoint, _) = $0 { return "\(endpoint)" } else { return bus } } ?? bus
            return "\(name): \(profile.manufacturer) \(profile.model), unit \(unit) on \(place)"
        case .i2c(let bus, let address, let chip):
            let device = configuration.buses[bus]?.devicePath ?? bus
            return "\(name): \(chip.chipName.uppercased()) at 0x\(String(address, radix: 16)) on \(device)"
        case .simulated(let settings):
            return "\(name): simulated meter (seed \(settings.seed))"
        }
    }
}
