extension StringProtocol {
    /// Without leading and trailing white space (spaces, tabs, line breaks).
    func trimmed() -> String {
        trimming { $0.isWhitespace }
    }

    /// Without leading and trailing characters that are in `characters`.
    func trimming(charactersIn characters: String) -> String {
        trimming { characters.contains($0) }
    }

    private func trimming(where unwanted: (Character) -> Bool) -> String {
        guard let first = firstIndex(where: { !unwanted($0) }), let last = lastIndex(where: { !unwanted($0) }) else { return "" }
        return String(self[first...last])
    }
}

/// `text` without leading and trailing white space: for meterd's argument parsing, as a function
/// so that MeterDaemon does not add a public member to StringProtocol.
public func trimmingWhitespace(_ text: some StringProtocol) -> String {
    text.trimmed()
}
