import Drivers

/// One `[buses.NAME]` table.
enum BusReader {
    enum Kind: String, CaseIterable {
        case modbusRTU = "modbus-rtu"
        case modbusTCP = "modbus-tcp"
        case i2c
    }

    static func read(_ table: TableReader) -> BusConfiguration? {
        defer { table.rejectUnknownKeys() }
        guard let kind = table.choice("kind", required: true, as: Kind.self) else { return nil }
        switch kind {
        case .modbusRTU:
            let device = table.string("device", required: true)
            let baud = table.integer("baud", in: 300...921_600) ?? 9600
            let parity = table.choice("parity", as: SerialSettings.Parity.self) ?? .none
            let dataBits = table.integer("data_bits", in: 7...8) ?? 8
            let stopBits = table.integer("stop_bits", in: 1...2) ?? 1
            let rs485 = table.boolean("rs485") ?? false
            let rts = table.choice("rts", as: SerialSettings.RTSMode.self) ?? .none
            let timing = readTiming(table, defaultResponseTimeoutMs: 500)
            guard let device, let timing else { return nil }
            let serial = SerialSettings(device: device, baud: baud, parity: parity, dataBits: dataBits, stopBits: stopBits, rs485: rs485, rts: rts)
            return .modbus(.rtu(serial), timing)
        case .modbusTCP:
            let host = table.string("host", required: true)
            let port = table.integer("port", in: 1...65535) ?? 502
            let timing = readTiming(table, defaultResponseTimeoutMs: 1000)
            guard let host, let timing else { return nil }
            if host.isEmpty { table.report("host", "is empty"); return nil }
            return .modbus(.tcp(host: host, port: port), timing)
        case .i2c:
            guard let number = table.integer("bus", required: true, in: 0...255) else { return nil }
            return .i2c(device: "/dev/i2c-\(number)")
        }
    }

    private static func readTiming(_ table: TableReader, defaultResponseTimeoutMs: Int) -> BusTiming? {
        let response = table.integer("response_timeout_ms", in: 10...60_000) ?? defaultResponseTimeoutMs
        let byte = table.integer("byte_timeout_ms", in: 1...10_000) ?? 50
        let frameDelay = table.integer("frame_delay_ms", in: 0...10_000)
        let unitSwitch = table.integer("unit_switch_delay_ms", in: 0...10_000) ?? 0
        let retries = table.integer("retries", in: 0...10) ?? 2
        let backoff = table.integer("retry_backoff_ms", in: 0...60_000) ?? 100
        return BusTiming(
            responseTimeout: Double(response) / 1000, byteTimeout: Double(byte) / 1000,
            frameDelay: frameDelay.map { Double($0) / 1000 }, unitSwitchDelay: Double(unitSwitch) / 1000,
            retries: retries, retryBackoff: Double(backoff) / 1000)
    }
}
