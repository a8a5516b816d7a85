import CI2C
import FoundationEssentials
import Glibc

/// An I2C bus of the Linux kernel, through its i2c-dev node (/dev/i2c-N).
///
/// Register reads use I2C_RDWR (write the register address, repeated start, read) when the adapter
/// can do plain I2C; on SMBus-only adapters (i2c-stub, some SoC controllers) transactions with a
/// one-byte register address fall back to SMBus byte, word and I2C-block transfers.
public final class LinuxI2CBus: I2CBus {
    public let name: String
    /// The adapter's I2C_FUNCS bits.
    let functionality: UInt
    private let descriptor: Int32
    // i2c-dev keeps the SMBus target address per open file, so transfers are serialised.
    private let exclusive = Locked(())

    public convenience init(busNumber: Int) throws(DriverError) {
        try self.init(path: "/dev/i2c-\(busNumber)")
    }

    public init(path: String) throws(DriverError) {
        let descriptor = open(path, O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else { throw .busOpenFailed(path: path, errno: errno) }
        var funcs: UInt = 0
        guard meterd_i2c_funcs(descriptor, &funcs) == 0 else {
            let error = errno
            close(descriptor)
            throw .i2c(.systemError(errno: error), bus: path, address: nil, message:
                "is not an I2C adapter (I2C_FUNCS failed: \(String(cString: strerror(error)))); check the bus number")
        }
        self.name = path
        self.descriptor = descriptor
        self.functionality = funcs
    }

    deinit {
        close(descriptor)
    }

    var supportsPlainI2C: Bool { functionality & UInt(I2C_FUNC_I2C) != 0 }

    public func writeThenRead(address: UInt8, bytes: [UInt8], count: Int) throws(DriverError) -> [UInt8] {
        try exclusive.withLock { (_) throws(DriverError) -> [UInt8] in
            if supportsPlainI2C {
                return try readWithRepeatedStart(address: address, bytes: bytes, count: count)
            }
            guard let transfer = SMBusTransfer.read(bytes: bytes, count: count) else {
                throw unsupported(address: address, what: "a write of \(bytes.count) bytes followed by a read of \(count)")
            }
            return try perform(transfer, address: address)
        }
    }

    public func write(address: UInt8, bytes: [UInt8]) throws(DriverError) {
        try exclusive.withLock { (_) throws(DriverError) in
            if supportsPlainI2C {
                try plainWrite(address: address, bytes: bytes)
                return
            }
            guard let transfer = SMBusTransfer.write(bytes: bytes) else {
                throw unsupported(address: address, what: "a write of \(bytes.count) bytes")
            }
            _ = try perform(transfer, address: address)
        }
    }

    /// Asks as i2cdetect does: a receive-byte where a quick write could corrupt an EEPROM
    /// (0x30-0x37, 0x50-0x5F), a quick write elsewhere, where reading could lock up a write-only chip;
    /// the other one when the adapter lacks the preferred transfer.
    public func answers(address: UInt8) throws(DriverError) -> Bool {
        let readFirst = (0x30...0x37).contains(address) || (0x50...0x5F).contains(address)
        let preferred: SMBusTransfer = readFirst ? .receiveByte : .quickWrite
        let fallback: SMBusTransfer = readFirst ? .quickWrite : .receiveByte
        let transfer = functionality & preferred.requiredFunctionality != 0 ? preferred : fallback
        return try exclusive.withLock { (_) throws(DriverError) -> Bool in
            do throws(DriverError) {
                _ = try perform(transfer, address: address)
                return true
            } catch {
                if error.code == .i2c(.noAcknowledge) { return false }
                throw error
            }
        }
    }

    private func readWithRepeatedStart(address: UInt8, bytes: [UInt8], count: Int) throws(DriverError) -> [UInt8] {
        var outgoing = bytes
        var incoming = [UInt8](repeating: 0, count: count)
        let result = outgoing.withUnsafeMutableBufferPointer { out in
            incoming.withUnsafeMutableBufferPointer { into in
                var messages = [
                    i2c_msg(addr: UInt16(address), flags: 0, len: UInt16(out.count), buf: out.baseAddress),
                    i2c_msg(addr: UInt16(address), flags: UInt16(I2C_M_RD), len: UInt16(into.count), buf: into.baseAddress),
                ].filter { $0.len > 0 }
                return messages.withUnsafeMutableBufferPointer { list in
                    var request = i2c_rdwr_ioctl_data(msgs: list.baseAddress, nmsgs: UInt32(list.count))
                    return meterd_i2c_rdwr(descriptor, &request) < 0 ? errno : 0
                }
            }
        }
        guard result == 0 else { throw transferError(errno: result, address: address) }
        return incoming
    }

    private func plainWrite(address: UInt8, bytes: [UInt8]) throws(DriverError) {
        var outgoing = bytes
        let result = outgoing.withUnsafeMutableBufferPointer { out in
            var message = i2c_msg(addr: UInt16(address), flags: 0, len: UInt16(out.count), buf: out.baseAddress)
            return withUnsafeMutablePointer(to: &message) { pointer in
                var request = i2c_rdwr_ioctl_data(msgs: pointer, nmsgs: 1)
                return meterd_i2c_rdwr(descriptor, &request) < 0 ? errno : 0
            }
        }
        guard result == 0 else { throw transferError(errno: result, address: address) }
    }

    private func perform(_ transfer: SMBusTransfer, address: UInt8) throws(DriverError) -> [UInt8] {
        guard functionality & transfer.requiredFunctionality != 0 else {
            throw unsupported(address: address, what: "the SMBus transfer \(transfer)")
        }
        guard meterd_i2c_set_slave(descriptor, Int(address)) == 0 else {
            throw transferError(errno: errno, address: address)
        }
        return try transfer.run(on: LibI2CPort(descriptor: descriptor), bus: name, address: address)
    }

    private func transferError(errno code: Int32, address: UInt8) -> DriverError {
        .transferFailed(errno: code, bus: name, address: address)
    }

    private func unsupported(address: UInt8, what: String) -> DriverError {
        .i2c(.unsupportedTransfer, bus: name, address: address, message:
            "the adapter cannot do \(what) (I2C_FUNCS \(I2CAddressFormat.hex(functionality, digits: 8))); "
            + "use an adapter with plain I2C transfers, such as the Raspberry Pi's i2c-bcm2835")
    }
}
