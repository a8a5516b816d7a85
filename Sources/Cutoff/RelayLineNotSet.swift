import Drivers

/// The relay line could not be set to the commanded supply: the change stands, is journaled, is not
/// acknowledged on chain, and the line is written again until it takes the value.
public struct RelayLineNotSet: Error, Sendable, Equatable, CustomStringConvertible {
    var supplyConnected: Bool
    var error: DriverError
    /// Why even the record of the failure could not be journaled (a full disk), if so.
    var journalError: String?

    init(supplyConnected: Bool, error: DriverError, journalError: String? = nil) {
        self.supplyConnected = supplyConnected
        self.error = error
        self.journalError = journalError
    }

    public var description: String {
        let journal = journalError.map { "; the failure could not be journaled either: \($0)" } ?? ""
        return "relay line not set to supply \(supplyConnected ? "connected" : "disconnected"): \(error); "
            + "retrying until it is, nothing acknowledged on chain meanwhile\(journal)"
    }
}
