import Drivers

/// The relay line with its wiring: turns a commanded supply state into the line's value.
public struct RelayActuator: Sendable {
    let line: any OutputLine
    let wiring: RelayWiring

    public init(line: any OutputLine, wiring: RelayWiring) {
        self.line = line
        self.wiring = wiring
    }

    /// Requests the line already set for `supplyConnected`, so it shows no other value first.
    public static func request(_ address: GPIOLineAddress, wiring: RelayWiring, supplyConnected: Bool,
                               from provider: any GPIOLineProvider) throws(DriverError) -> RelayActuator {
        let line = try provider.requestOutput(address, initiallyActive: wiring.lineActive(supplyConnected: supplyConnected))
        return RelayActuator(line: line, wiring: wiring)
    }

    public func setSupply(connected: Bool) throws(DriverError) {
        try line.setActive(wiring.lineActive(supplyConnected: connected))
    }
}
