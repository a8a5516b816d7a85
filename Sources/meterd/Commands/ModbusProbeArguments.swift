import ArgumentParser
import ChainClient
import Drivers
import MeterDaemon

/// `--host` of `meterd probe modbus`: host, host:port, [IPv6] or [IPv6]:port; port 502 unless given.
struct ModbusTCPHost: ExpressibleByArgument {
    let address: HostPort

    init?(argument: String) {
        guard let address = HostPort(parsing: argument, defaultPort: 502) else { return nil }
        self.address = address
    }
}

/// `--baud`: baud rates, comma-separated.
struct BaudRates: ExpressibleByArgument, CustomStringConvertible {
    let rates: [Int]

    init(_ rates: [Int]) { self.rates = rates }

    init?(argument: String) {
        let rates = argument.split(separator: ",").map { Int(trimmingWhitespace($0)) }
        guard !rates.isEmpty, rates.allSatisfy({ $0.map((300...921_600).contains) == true }) else { return nil }
        self.rates = rates.map { $0! }
    }

    var description: String { rates.map(String.init).joined(separator: ",") }
}

/// `--parity`: N, E, O, comma-separated.
struct Parities: ExpressibleByArgument, CustomStringConvertible {
    let parities: [SerialSettings.Parity]

    init(_ parities: [SerialSettings.Parity]) { self.parities = parities }

    init?(argument: String) {
        let parities = argument.split(separator: ",").map { SerialSettings.Parity(rawValue: trimmingWhitespace($0).uppercased()) }
        guard !parities.isEmpty, parities.allSatisfy({ $0 != nil }) else { return nil }
        self.parities = parities.map { $0! }
    }

    var description: String { parities.map(\.rawValue).joined(separator: ",") }
}

/// `--ids`: unit ids such as 1-247 or 1,2,10-20.
struct UnitIDList: ExpressibleByArgument, CustomStringConvertible {
    let ids: [UInt8]
    let description: String

    init?(argument: String) {
        guard let ids = try? UnitIDRanges.parse(argument) else { return nil }
        self.ids = ids
        description = argument
    }
}
