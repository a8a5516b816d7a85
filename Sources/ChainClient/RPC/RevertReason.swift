/// Solidity/Vyper `Error(string)` revert data.
enum RevertReason {
    static let errorString = ABIFunction(name: "Error", inputs: [.string])

    static func decode(_ data: [UInt8]) -> String? {
        guard data.count >= 4, Array(data.prefix(4)) == errorString.selector,
              let values = try? ABIDecoder.decode(Array(data.dropFirst(4)), as: [.string]),
              case .string(let reason) = values.first else { return nil }
        return reason
    }
}
