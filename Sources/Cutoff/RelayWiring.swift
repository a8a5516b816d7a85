/// How the relay is wired: configured, never assumed (hardware/relay-wiring.md).
public struct RelayWiring: Sendable, Equatable {
    public enum Energised: String, Sendable, CaseIterable {
        /// Energising the coil cuts the supply (normally-closed contact): unpowered, the site stays supplied.
        case cuts
        /// Energising the coil connects the supply (normally-open contact): unpowered, the site is cut.
        case connects
    }

    public var energised: Energised

    public init(energised: Energised) { self.energised = energised }

    /// The line's logical value for a commanded supply state.
    func lineActive(supplyConnected: Bool) -> Bool {
        energised == .connects ? supplyConnected : !supplyConnected
    }

    func supplyConnected(lineActive: Bool) -> Bool {
        energised == .connects ? lineActive : !lineActive
    }

    /// The supply while no process holds the line (meterd stopped, crashed or restarting): the fail state.
    public var failStateConnected: Bool { supplyConnected(lineActive: false) }
}
