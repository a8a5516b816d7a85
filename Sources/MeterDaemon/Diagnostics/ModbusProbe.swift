import Drivers
import FoundationEssentials
import Logging

/// `meterd probe modbus`: which unit ids answer on a bus, and which shipped profile fits each.
///
/// A unit counts as a meter when it answers with registers, or refuses the probe's address as a
/// meter whose map starts elsewhere would (exception 2 or 3), or when some profile fits it. Units
/// that answer only with another exception and fit no profile are not meters: gateways and
/// simulators answer so for every id with nothing behind it, and they are reported together, one
/// line per exception. To name a model, every profile's signature is read and checked for
/// plausibility; the profiles that pass are ranked by the share, then the number, of their
/// quantities that read plausibly.
public struct ModbusProbe: Sendable {
    public struct ProfileFit: Sendable, Equatable {
        public var profile: String
        public var plausible: Int
        public var total: Int
    }

    public struct Finding: Sendable {
        public var endpoint: ModbusEndpoint
        public var unit: UInt8
        /// Best fit first; empty when no profile fits.
        public var fits: [ProfileFit]
    }

    /// Units of one endpoint that answered every request with `exception` and fit no profile.
    public struct Refusal: Sendable, Equatable {
        public var endpoint: ModbusEndpoint
        public var exception: ModbusException
        public var units: [UInt8]
    }

    public struct Result: Sendable {
        public var findings: [Finding]
        public var refusals: [Refusal]
    }

    private enum Answer { case none, meterLike, exception(ModbusException) }

    public enum Progress: Sendable {
        case setting(ModbusEndpoint, index: Int, of: Int)
        case unit(UInt8, index: Int, of: Int)
        case found(UInt8)
    }

    var endpoints: [ModbusEndpoint]
    var units: [UInt8]
    var profiles: [MeterProfile]
    var responseTimeout: Double
    /// Keep scanning further serial settings after one where units answered.
    var scanAllSettings: Bool

    public init(endpoints: [ModbusEndpoint], units: [UInt8], profiles: [MeterProfile], responseTimeout: Double, scanAllSettings: Bool) {
        self.endpoints = endpoints
        self.units = units
        self.profiles = profiles
        self.responseTimeout = responseTimeout
        self.scanAllSettings = scanAllSettings
    }

    public func run(progress: @Sendable (Progress) -> Void) async throws(DriverError) -> Result {
        var findings: [Finding] = []
        var refusals: [Refusal] = []
        for (index, endpoint) in endpoints.enumerated() {
            progress(.setting(endpoint, index: index, of: endpoints.count))
            let timing = BusTiming(responseTimeout: responseTimeout, byteTimeout: min(0.05, responseTimeout), retries: 0)
            let bus = try ModbusBus(endpoint: endpoint, timing: timing, logger: Logger(label: "meterd.probe", factory: { _ in SwiftLogNoOpLogHandler() }))
            defer { bus.close() }
            var foundHere = false
            var refused: [ModbusException: [UInt8]] = [:]
            for (position, unit) in units.enumerated() {
                progress(.unit(unit, index: position, of: units.count))
                let answer = try await answers(bus, unit: unit)
                if case .none = answer { continue }
                let fits = await fits(bus, unit: unit)
                if case .exception(let exception) = answer, fits.isEmpty {
                    refused[exception, default: []].append(unit)
                    continue
                }
                progress(.found(unit))
                foundHere = true
                findings.append(Finding(endpoint: endpoint, unit: unit, fits: fits))
            }
            refusals += refused.sorted { $0.key.rawValue < $1.key.rawValue }.map { Refusal(endpoint: endpoint, exception: $0.key, units: $0.value) }
            if foundHere && !scanAllSettings { break }
        }
        return Result(findings: findings, refusals: refusals)
    }

    private func answers(_ bus: ModbusBus, unit: UInt8) async throws(DriverError) -> Answer {
        do {
            _ = try await bus.read(.input, unit: unit, address: 0, count: 1)
            return .meterLike
        } catch {
            switch error.code {
            case .modbus(.exception(.gatewayPathUnavailable)), .modbus(.exception(.gatewayTargetFailedToRespond)):
                // A TCP gateway's way of saying nothing answers at this unit id behind it.
                return .none
            case .modbus(.exception(.illegalDataAddress)), .modbus(.exception(.illegalDataValue)):
                return .meterLike
            case .modbus(.exception(let exception)):
                return .exception(exception)
            case .modbus(.timeout), .modbus(.badFrame):
                return .none
            default:
                throw error
            }
        }
    }

    func fits(_ bus: ModbusBus, unit: UInt8) async -> [ProfileFit] {
        var fits: [ProfileFit] = []
        for profile in profiles where !profile.signature.isEmpty {
            let signature = profile.registers.filter { profile.signature.contains($0.quantity) }
            guard await plausibleCount(bus, unit: unit, registers: signature) == signature.count else { continue }
            let plausible = await plausibleCount(bus, unit: unit, registers: profile.registers)
            fits.append(ProfileFit(profile: profile.name, plausible: plausible, total: profile.registers.count))
        }
        return fits.sorted {
            let (a, b) = (Double($0.plausible) / Double($0.total), Double($1.plausible) / Double($1.total))
            return a != b ? a > b : ($0.plausible != $1.plausible ? $0.plausible > $1.plausible : $0.profile < $1.profile)
        }
    }

    private func plausibleCount(_ bus: ModbusBus, unit: UInt8, registers: [QuantityRegister]) async -> Int {
        var count = 0
        for register in registers {
            guard let words = try? await bus.read(register.function, unit: unit, address: register.address, count: register.registerCount),
                  let decoded = try? RegisterDecoder.decode(words[...], as: register)
            else { continue }
            if Plausibility.isPlausible(register.quantity, decoded) { count += 1 }
        }
        return count
    }
}
