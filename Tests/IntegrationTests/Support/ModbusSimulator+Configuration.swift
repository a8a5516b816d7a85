extension ModbusSimulator {
    /// The repository's profiles, the simulator's TCP port as bus `sim` (with `busOptions`, lines of
    /// that table) and an SDM630 on unit 1 as meter `main`: the site most tests start from.
    static func siteTables(port: Int, busOptions: String = "") -> String {
        """
        profile_dirs = ["\(profiles)"]
        [buses.sim]
        kind = "modbus-tcp"
        host = "127.0.0.1"
        port = \(port)
        \(busOptions)
        [meters.main]
        bus = "sim"
        unit_id = 1
        profile = "eastron-sdm630"
        """
    }
}
