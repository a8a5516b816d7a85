/// The one thing Cutoff needs from the hardware: a line that opens or closes the site's supply.
///
/// Drivers provide the libgpiod implementation; tests provide a line that records every value it
/// was set to.
public protocol RelayOutput: Sendable {
    /// Drives the relay so the supply is connected (`true`) or cut (`false`).
    func setSupplyConnected(_ connected: Bool) throws
}
