/// Which Modbus table a register lives in: input registers (function 04) or holding registers (03).
public enum RegisterFunction: String, Sendable, CaseIterable, Hashable {
    case input
    case holding
}

/// How a value is laid out in 16-bit registers.
public enum RegisterDataType: String, Sendable, CaseIterable, Hashable {
    case int16, uint16, int32, uint32, int64, uint64, float32, float64

    public var registerCount: Int {
        switch self {
        case .int16, .uint16: return 1
        case .int32, .uint32, .float32: return 2
        case .int64, .uint64, .float64: return 4
        }
    }

    var isFloat: Bool { self == .float32 || self == .float64 }
}

/// Order of the 16-bit words of a multi-register value, and of the two bytes inside each word.
/// `big` words: the most significant word comes first (the Modbus convention, Eastron, ABB, Janitza);
/// `little` words: least significant first (Carlo Gavazzi).
public enum WordOrder: String, Sendable, CaseIterable, Hashable { case big, little }
public enum ByteOrder: String, Sendable, CaseIterable, Hashable { case big, little }

/// The ways meters say "this quantity is not available" instead of giving a value.
public enum NotAvailableMarker: String, Sendable, CaseIterable, Hashable {
    /// A float register holding NaN.
    case nan
    /// Every byte 0xFF (ABB: unsigned registers).
    case allOnes = "all_ones"
    /// The largest positive value of a signed type, 0x7FFF… (ABB: signed registers).
    case signedMax = "signed_max"
}
