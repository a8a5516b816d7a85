extension StringProtocol {
    /// Without leading and trailing white space (spaces, tabs, line breaks).
    public func trimmed() -> String {
        trimming { $0.isWhitespace }
    }

    /// Without leading and trailing characters that are in `characters`.
    public func trimming(charactersIn characters: String) -> String {
        trimming { characters.contains($0) }
    }

    private func trimming(where unwanted: (Character) -> Bool) -> String {
        guard let first = firstIndex(where: { !unwanted($0) }), let last = lastIndex(where: { !unwanted($0) }) else { return "" }
        return String(self[first...last])
    }
}
