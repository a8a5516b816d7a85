@testable import Drivers
/// A chip on a `SimulatedI2CBus`, answering at the byte level as it does on the wire.
protocol SimulatedI2CDevice: AnyObject, Sendable {
    /// The master wrote `bytes` (possibly none) and then, after a repeated start, read `count` bytes
    /// (possibly none). Returns exactly `count` bytes.
    func transact(writing bytes: [UInt8], reading count: Int) -> [UInt8]
}

/// An I2C bus in memory: simulated chips by address, NAK for absent addresses, and injectable faults
/// for present ones. Used by the fast tests and by the daemon's simulated-hardware mode.
final class SimulatedI2CBus: I2CBus {
    enum Fault: Sendable, Equatable {
        case noAcknowledge
        case timeout
    }

    private struct InjectedFault {
        var fault: Fault
        var remaining: Int?
    }

    private struct State {
        var devices: [UInt8: any SimulatedI2CDevice] = [:]
        var faults: [UInt8: InjectedFault] = [:]
    }

    let name: String
    private let state = Locked(State())

    init(name: String = "simulated I2C bus") {
        self.name = name
    }

    func attach(_ device: any SimulatedI2CDevice, at address: UInt8) {
        state.withLock { $0.devices[address] = device }
    }

    /// Makes the next `transactions` transactions at `address` fail (all of them when nil), as a chip
    /// that browns out or holds the clock would.
    func inject(_ fault: Fault, at address: UInt8, transactions: Int? = nil) {
        state.withLock { $0.faults[address] = InjectedFault(fault: fault, remaining: transactions) }
    }

    func clearFault(at address: UInt8) {
        state.withLock { _ = $0.faults.removeValue(forKey: address) }
    }

    func writeThenRead(address: UInt8, bytes: [UInt8], count: Int) throws(DriverError) -> [UInt8] {
        try transaction(address: address) { $0.transact(writing: bytes, reading: count) }
    }

    func write(address: UInt8, bytes: [UInt8]) throws(DriverError) {
        _ = try transaction(address: address) { $0.transact(writing: bytes, reading: 0) }
    }

    /// Asks with a quick write: the address and nothing else, as i2cdetect does.
    func answers(address: UInt8) throws(DriverError) -> Bool {
        do throws(DriverError) {
            _ = try transaction(address: address) { $0.transact(writing: [], reading: 0) }
            return true
        } catch {
            if error.code == .i2c(.noAcknowledge) { return false }
            throw error
        }
    }

    private func transaction(
        address: UInt8, _ body: (any SimulatedI2CDevice) -> [UInt8]
    ) throws(DriverError) -> [UInt8] {
        try state.withLock { (state) throws(DriverError) -> [UInt8] in
            if var injected = state.faults[address] {
                if let remaining = injected.remaining {
                    injected.remaining = remaining - 1
                    state.faults[address] = remaining > 1 ? injected : nil
                }
                switch injected.fault {
                case .noAcknowledge: throw .noAcknowledge(bus: name, address: address)
                case .timeout: throw .timeout(bus: name, address: address)
                }
            }
            guard let device = state.devices[address] else {
                throw .noAcknowledge(bus: name, address: address)
            }
            return body(device)
        }
    }
}
