/// An adapter's SMBus primitives as libi2c offers them: each returns a value >= 0, or -errno.
///
/// `LinuxI2CBus` runs them on an i2c-dev file; tests run them on a model of i2c-stub.
protocol SMBusPort {
    func quickWrite() -> Int32
    func receiveByte() -> Int32
    func sendByte(_ value: UInt8) -> Int32
    func readByteData(command: UInt8) -> Int32
    func readWordData(command: UInt8) -> Int32
    /// Reads `buffer.count` bytes into `buffer`; returns how many arrived.
    func readI2CBlockData(command: UInt8, into buffer: inout [UInt8]) -> Int32
    func writeByteData(command: UInt8, value: UInt8) -> Int32
    func writeWordData(command: UInt8, word: UInt16) -> Int32
    func writeI2CBlockData(command: UInt8, bytes: [UInt8]) -> Int32
}

extension SMBusTransfer {
    /// Performs the transfer on `port`, the adapter of `bus` with `address` selected; what it read
    /// comes back in wire order (MSB first for a word register, since SMBus sends the word's low byte first).
    func run(on port: some SMBusPort, bus: String, address: UInt8) throws(DriverError) -> [UInt8] {
        var bytes: [UInt8] = []
        let result: Int32
        switch self {
        case .quickWrite:
            result = port.quickWrite()
        case .receiveByte:
            result = port.receiveByte()
            bytes = [UInt8(truncatingIfNeeded: result)]
        case .sendByte(let value):
            result = port.sendByte(value)
        case .readByteData(let command):
            result = port.readByteData(command: command)
            bytes = [UInt8(truncatingIfNeeded: result)]
        case .readWordData(let command):
            result = port.readWordData(command: command)
            bytes = Self.wire(ofWord: UInt16(truncatingIfNeeded: result))
        case .readI2CBlockData(let command, let count):
            bytes = [UInt8](repeating: 0, count: count)
            result = port.readI2CBlockData(command: command, into: &bytes)
            if result >= 0 && result != count { throw .shortBlock(expected: count, received: result, bus: bus, address: address) }
        case .writeByteData(let command, let value):
            result = port.writeByteData(command: command, value: value)
        case .writeWordData(let command, let word):
            result = port.writeWordData(command: command, word: word)
        case .writeI2CBlockData(let command, let data):
            result = port.writeI2CBlockData(command: command, bytes: data)
        }
        guard result >= 0 else { throw .transferFailed(errno: -result, bus: bus, address: address) }
        return bytes
    }
}
