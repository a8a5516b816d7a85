/// How an ADE7953's register codes scale to volts, amperes, watts and watt-hours on one board.
///
/// The gains depend on the board's voltage divider and current shunts (or CTs) and on the PGA
/// settings, so they are measured per board design and come from configuration, never from code.
public struct ADE7953Calibration: Sendable, Equatable {
    public struct Channel: Sendable, Equatable {
        /// Amperes per IRMSx LSB.
        var amperesPerLSB: Double
        /// Watts per AWATT/BWATT LSB.
        var wattsPerLSB: Double
        /// Watt-hours per AENERGYx LSB.
        var wattHoursPerLSB: Double

        public init(amperesPerLSB: Double, wattsPerLSB: Double, wattHoursPerLSB: Double) {
            self.amperesPerLSB = amperesPerLSB
            self.wattsPerLSB = wattsPerLSB
            self.wattHoursPerLSB = wattHoursPerLSB
        }
    }

    /// Volts per VRMS LSB.
    var voltsPerLSB: Double
    var channelA: Channel
    /// Current channel B, when the board wires it to a load (read as L2); nil leaves it unread.
    var channelB: Channel?

    public init(voltsPerLSB: Double, channelA: Channel, channelB: Channel? = nil) {
        self.voltsPerLSB = voltsPerLSB
        self.channelA = channelA
        self.channelB = channelB
    }

    func validate(bus: String, address: UInt8) throws(DriverError) {
        let gains = [voltsPerLSB, channelA.amperesPerLSB, channelA.wattsPerLSB, channelA.wattHoursPerLSB]
            + [channelB?.amperesPerLSB, channelB?.wattsPerLSB, channelB?.wattHoursPerLSB].compactMap { $0 }
        guard gains.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw .i2c(.invalidCalibration, bus: bus, address: address, message:
                "ADE7953 calibration gains must be positive (volts, amperes, watts and watt-hours per LSB); "
                + "set them from the board's calibration sheet")
        }
    }
}
