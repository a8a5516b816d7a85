/// An ABI value that cannot be encoded, or ABI data (a call's result, an event) that cannot be decoded.
public enum ABIError: Error, Equatable, CustomStringConvertible {
    case unknownType(String)
    case valueDoesNotMatchType(type: String, value: String)
    case valueOutOfRange(type: String, value: String)
    case truncated(type: String, offset: Int, needed: Int, available: Int)
    case badPadding(type: String, offset: Int)
    case offsetOutOfBounds(type: String, offset: Int)
    case lengthTooLarge(type: String, length: Int)
    case invalidUTF8(offset: Int)

    public var description: String {
        switch self {
        case .unknownType(let text): return "'\(text)' is not an ABI type meterd knows"
        case .valueDoesNotMatchType(let type, let value): return "the value \(value) is not a \(type)"
        case .valueOutOfRange(let type, let value): return "the value \(value) does not fit in \(type)"
        case .truncated(let type, let offset, let needed, let available):
            return "ABI data ends inside a \(type) at byte \(offset): \(needed) bytes needed, \(available) there"
        case .badPadding(let type, let offset): return "ABI \(type) at byte \(offset) has non-zero padding or bits beyond its width"
        case .offsetOutOfBounds(let type, let offset): return "ABI \(type) points at byte \(offset), outside the data"
        case .lengthTooLarge(let type, let length): return "ABI \(type) claims \(length) elements, more than the data can hold"
        case .invalidUTF8(let offset): return "ABI string at byte \(offset) is not UTF-8"
        }
    }
}
