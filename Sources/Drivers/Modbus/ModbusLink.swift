import CModbus
import Glibc

/// One libmodbus context: one TCP connection or one serial port. Not thread-safe, like the
/// `modbus_t` it owns: `ModbusBus` is its only user and calls it from one thread at a time.
final class ModbusLink {
    private let context: OpaquePointer
    let endpoint: ModbusEndpoint
    private(set) var isConnected = false

    init(endpoint: ModbusEndpoint, timing: BusTiming) throws(DriverError) {
        self.endpoint = endpoint
        let created: OpaquePointer?
        switch endpoint {
        case .tcp(let host, let port):
            created = modbus_new_tcp_pi(host, String(port))
        case .rtu(let serial):
            let parity = CChar(serial.parity.rawValue.utf8.first!)
            created = modbus_new_rtu(serial.device, Int32(serial.baud), parity, Int32(serial.dataBits), Int32(serial.stopBits))
        }
        guard let created else {
            throw .invalidSettings("libmodbus refused the settings for \(endpoint): \(String(cString: modbus_strerror(errno)))")
        }
        context = created
        Self.setTimeout(context, timing.responseTimeout, modbus_set_response_timeout)
        Self.setTimeout(context, timing.byteTimeout, modbus_set_byte_timeout)
    }

    deinit {
        close()
        modbus_free(context)
    }

    func connect() throws(DriverError) {
        guard !isConnected else { return }
        if case .rtu(let serial) = endpoint {
            try checkSerialDevice(serial.device)
        }
        guard modbus_connect(context) == 0 else { throw error(unit: 0) }
        if case .rtu(let serial) = endpoint {
            try applyRS485(serial)
        }
        isConnected = true
    }

    func close() {
        guard isConnected else { return }
        modbus_close(context)
        isConnected = false
    }

    /// Discards whatever is waiting in the receive buffer (a late answer to an earlier request).
    func flush() {
        if isConnected { modbus_flush(context) }
    }

    func readRegisters(_ function: RegisterFunction, unit: UInt8, address: UInt16, count: Int) throws(DriverError) -> [UInt16] {
        guard (1...125).contains(count) else { throw .invalidSettings("cannot read \(count) registers in one request (1 to 125)") }
        modbus_set_slave(context, Int32(unit))
        var words = [UInt16](repeating: 0, count: count)
        let read = words.withUnsafeMutableBufferPointer { buffer in
            function == .input
                ? modbus_read_input_registers(context, Int32(address), Int32(count), buffer.baseAddress)
                : modbus_read_registers(context, Int32(address), Int32(count), buffer.baseAddress)
        }
        guard read == count else {
            throw read < 0 ? error(unit: unit) : .badFrame("asked for \(count) registers, got \(read)")
        }
        return words
    }

    /// Function 5 (write single coil): on is 0xFF00, off 0x0000. The server echoes the request.
    func writeCoil(unit: UInt8, address: UInt16, on: Bool) throws(DriverError) {
        modbus_set_slave(context, Int32(unit))
        guard modbus_write_bit(context, Int32(address), on ? 1 : 0) == 1 else { throw error(unit: unit) }
    }

    /// Function 1 (read coils): the state of `count` coils from `address`.
    func readCoils(unit: UInt8, address: UInt16, count: Int) throws(DriverError) -> [Bool] {
        guard (1...2000).contains(count) else { throw .invalidSettings("cannot read \(count) coils in one request (1 to 2000)") }
        modbus_set_slave(context, Int32(unit))
        var bits = [UInt8](repeating: 0, count: count)
        let read = bits.withUnsafeMutableBufferPointer { modbus_read_bits(context, Int32(address), Int32(count), $0.baseAddress) }
        guard read == count else {
            throw read < 0 ? error(unit: unit) : .badFrame("asked for \(count) coils, got \(read)")
        }
        return bits.map { $0 != 0 }
    }

    private func error(unit: UInt8) -> DriverError {
        .modbus(errno: errno, unit: unit, endpoint: endpoint.description)
    }

    private func checkSerialDevice(_ path: String) throws(DriverError) {
        if access(path, F_OK) != 0 { throw .deviceMissing(path: path) }
        if access(path, R_OK | W_OK) != 0 { throw .permissionDenied(path: path) }
    }

    /// RS-485 mode and RTS control exist only on some UARTs; a port without them is a settings error.
    private func applyRS485(_ serial: SerialSettings) throws(DriverError) {
        if serial.rs485, modbus_rtu_set_serial_mode(context, Int32(MODBUS_RTU_RS485)) != 0 {
            let reason = String(cString: modbus_strerror(errno))
            close()
            throw .invalidSettings("\(serial.device) does not support RS-485 mode (\(reason)): set rs485 = false for a USB adapter that switches direction itself")
        }
        let rts: Int32
        switch serial.rts {
        case .none: return
        case .up: rts = Int32(MODBUS_RTU_RTS_UP)
        case .down: rts = Int32(MODBUS_RTU_RTS_DOWN)
        }
        if modbus_rtu_set_rts(context, rts) != 0 {
            let reason = String(cString: modbus_strerror(errno))
            close()
            throw .invalidSettings("\(serial.device) does not support RTS control (\(reason)): set rts = \"none\"")
        }
    }

    private static func setTimeout(_ context: OpaquePointer, _ seconds: Double,
                                   _ set: (OpaquePointer?, UInt32, UInt32) -> Int32) {
        let whole = seconds.rounded(.down)
        _ = set(context, UInt32(whole), UInt32(((seconds - whole) * 1_000_000).rounded()))
    }
}
