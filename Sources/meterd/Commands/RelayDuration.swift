import ArgumentParser

/// A duration on the command line: "500ms" or "2s" (decimals allowed), kept in milliseconds. The
/// range each option allows is checked by its command.
struct RelayDuration: ExpressibleByArgument, CustomStringConvertible {
    let milliseconds: Int

    init(milliseconds: Int) { self.milliseconds = milliseconds }

    init?(argument: String) {
        let text = argument.lowercased()
        let value: Double?
        if text.hasSuffix("ms") {
            value = Double(text.dropLast(2))
        } else if text.hasSuffix("s") {
            value = Double(text.dropLast()).map { $0 * 1000 }
        } else {
            value = nil
        }
        guard let value, value.isFinite, value >= 0, value <= Double(Int32.max) else { return nil }
        milliseconds = Int(value.rounded())
    }

    var description: String { milliseconds % 1000 == 0 ? "\(milliseconds / 1000)s" : "\(milliseconds)ms" }
}
