/// Anything meterd can read a `Reading` from: a Modbus unit, an I2C chip, the simulated meter.
public protocol Meter: Sendable {
    var name: String { get }
    func read() async throws -> Reading
}
