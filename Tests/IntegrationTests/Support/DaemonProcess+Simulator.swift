extension DaemonProcess {
    /// A site of one simulated SDM630 on Modbus TCP at `port`, polled five times a second, without a chain.
    static func simulatorConfiguration(port: Int, slotSeconds: Int = 1) -> String {
        """
        [journal]
        fsync = "group"
        [meterd]
        clock = "trusted"
        poll_interval_seconds = 0.2
        slot_length_seconds = \(slotSeconds)
        \(ModbusSimulator.siteTables(port: port, busOptions: "response_timeout_ms = 200\nretries = 0"))
        """
    }
}
