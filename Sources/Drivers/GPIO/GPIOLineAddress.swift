/// Which GPIO line, as a field engineer names it: a chip by path, name, label or number, and a line
/// by offset or by name.
public struct GPIOLineAddress: Sendable, Equatable, CustomStringConvertible {
    public enum Line: Sendable, Equatable, CustomStringConvertible {
        case offset(UInt32)
        case name(String)

        public var description: String {
            switch self {
            case .offset(let offset): return "line \(offset)"
            case .name(let name): return "line \"\(name)\""
            }
        }
    }

    /// "/dev/gpiochip0", "gpiochip0", "0" or a label such as "pinctrl-bcm2711" (libgpiod's lookup
    /// tries them in that order).
    public var chip: String
    var line: Line
    /// Logical "active" is electrical low: for relay boards whose input energises the coil when pulled low.
    var activeLow: Bool

    public init(chip: String, line: Line, activeLow: Bool = false) {
        self.chip = chip
        self.line = line
        self.activeLow = activeLow
    }

    public var description: String { "GPIO chip \"\(chip)\" \(line)" + (activeLow ? " (active-low)" : "") }
}
