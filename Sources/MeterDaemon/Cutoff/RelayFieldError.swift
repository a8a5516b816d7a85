/// Why `meterd relay …` did not act, in words for the field engineer.
public struct RelayFieldError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        /// The state machine or the safety rules forbid it now (exit status 3).
        case refused
        /// Another process (normally `meterd run`) holds the line (exit status 3).
        case lineHeld
        /// Anything else: configuration, key, journal, GPIO (exit status 1).
        case failed
    }

    public let code: Code
    public let description: String

    init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }
}
