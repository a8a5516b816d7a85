/// Where a Modbus bus is and how to talk on it.
public enum ModbusEndpoint: Sendable, Hashable, CustomStringConvertible {
    case tcp(host: String, port: Int)
    case rtu(SerialSettings)

    public var description: String {
        switch self {
        case .tcp(let host, let port): return HostPort(host: host, port: port).description
        case .rtu(let serial): return serial.device
        }
    }
}

/// An RS-485 serial line's settings.
public struct SerialSettings: Sendable, Hashable {
    public enum Parity: String, Sendable, CaseIterable, Hashable {
        case none = "N", even = "E", odd = "O"
    }
    /// The RTS line's use for driving the RS-485 transceiver, where the adapter needs it.
    public enum RTSMode: String, Sendable, CaseIterable, Hashable { case none, up, down }

    public var device: String
    public var baud: Int
    public var parity: Parity
    var dataBits: Int
    var stopBits: Int
    /// Put the port in RS-485 mode (TIOCSRS485); only some UARTs support it.
    var rs485: Bool
    var rts: RTSMode

    public init(device: String, baud: Int = 9600, parity: Parity = .none, dataBits: Int = 8, stopBits: Int = 1,
                rs485: Bool = false, rts: RTSMode = .none) {
        self.device = device
        self.baud = baud
        self.parity = parity
        self.dataBits = dataBits
        self.stopBits = stopBits
        self.rs485 = rs485
        self.rts = rts
    }

    /// Bits on the wire per character: start, data, parity, stop.
    var bitsPerCharacter: Int { 1 + dataBits + (parity == .none ? 0 : 1) + stopBits }

    /// The time one character takes on the wire, in seconds.
    var characterTime: Double { Double(bitsPerCharacter) / Double(baud) }

    /// The silence that must separate two RTU frames: 3.5 characters, fixed at 1.75 ms above 19200 baud
    /// (Modbus over serial line 1.02, 2.5.1.1).
    var interFrameSilence: Double { baud > 19200 ? 0.00175 : 3.5 * characterTime }
}

/// Timing of one bus: how long to wait for answers, and the pauses meterd keeps between frames.
public struct BusTiming: Sendable, Hashable {
    var responseTimeout: Double
    var byteTimeout: Double
    /// Extra silence after each answer before the next request; nil keeps 3.5 characters (RTU) or none (TCP).
    var frameDelay: Double?
    /// Pause before a request to a different unit id than the previous one.
    var unitSwitchDelay: Double
    /// Attempts after the first one for a request that timed out or came back garbled.
    var retries: Int
    /// First pause between attempts; doubled each retry.
    var retryBackoff: Double

    public init(responseTimeout: Double = 0.5, byteTimeout: Double = 0.05, frameDelay: Double? = nil,
                unitSwitchDelay: Double = 0, retries: Int = 2, retryBackoff: Double = 0.1) {
        self.responseTimeout = responseTimeout
        self.byteTimeout = byteTimeout
        self.frameDelay = frameDelay
        self.unitSwitchDelay = unitSwitchDelay
        self.retries = retries
        self.retryBackoff = retryBackoff
    }
}

extension BusTiming {
    /// The pause before retry `retry` (1 for the first): `retryBackoff`, doubled each retry up to 64 times.
    func backoff(beforeRetry retry: Int) -> Double {
        retryBackoff * Double(1 << min(retry - 1, 6))
    }

    /// The longest one request can take: every attempt timing out, with the pauses between them.
    public var worstCaseRequestSeconds: Double {
        let pauses = (0..<retries).reduce(0.0) { $0 + backoff(beforeRetry: $1 + 1) }
        return Double(retries + 1) * responseTimeout + pauses
    }
}
