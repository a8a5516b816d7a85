extension MeterdError {
    static func meterSetup(_ code: MeterSetupCode, _ message: String) -> MeterdError {
        MeterdError(.meterSetup(code), message)
    }

    static func notAModbusBus(_ name: String) -> MeterdError {
        meterSetup(.notAModbusBus, "bus \(name) is not a Modbus bus")
    }
}
