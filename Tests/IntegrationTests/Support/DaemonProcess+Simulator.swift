extension DaemonProcess {
    /// A site of one simulated SDM630 on Modbus TCP at `port`, polled five times a second, without a chain.
    static func simulatorConfiguration(port: Int, slotSeconds: Int = 1) -> String {
        """
        [meterd]
        profile_dirs = ["\(ModbusSimulator.profiles)"]
        clock = "trusted"
        poll_interval_seconds = 0.2
        slot_length_seconds = \(slotSeconds)
        [journal]
        fsync = "group"
        [buses.sim]
        kind = "modbus-tcp"
        host = "127.0.0.1"
        port = \(port)
        response_timeout_ms = 200
        retries = 0
        [meters.main]
        bus = "sim"
        unit_id = 1
        profile = "eastron-sdm630"
        """
    }
}
