/// The few I2C operations meterd's metering chips need, on one bus.
///
/// Addresses are 7-bit. Bytes are as they travel on the wire: a chip that sends a register MSB first
/// gives `[msb, ..., lsb]`. Implementations serialise transactions, so one bus may be shared by
/// several drivers.
public protocol I2CBus: Sendable {
    /// How messages name this bus, e.g. "/dev/i2c-1".
    var name: String { get }

    /// Writes `bytes` (typically a register address), then, after a repeated start, reads `count` bytes.
    func writeThenRead(address: UInt8, bytes: [UInt8], count: Int) throws(DriverError) -> [UInt8]

    /// Writes `bytes` in one transaction (typically a register address followed by its new value).
    func write(address: UInt8, bytes: [UInt8]) throws(DriverError)

    /// Whether a device acknowledges `address`; `DriverError.I2CCode.addressInUse` when a kernel driver owns it.
    func answers(address: UInt8) throws(DriverError) -> Bool
}
