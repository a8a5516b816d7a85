/// File path arithmetic on plain strings, as NSString did it (full Foundation is not linked: it
/// would cost the daemon several megabytes of resident memory).
extension String {
    /// `self` and `component` joined by exactly one slash.
    func appendingPathComponent(_ component: String) -> String {
        if isEmpty { return component }
        if component.isEmpty { return self }
        let head = hasSuffix("/") ? String(dropLast()) : self
        let tail = component.hasPrefix("/") ? String(component.dropFirst()) : component
        return head + "/" + tail
    }

    /// The last component: "b" for "/a/b" and "/a/b/".
    var lastPathComponent: String {
        let trimmed = trimmingTrailingSlashes
        guard let slash = trimmed.lastIndex(of: "/") else { return trimmed }
        return trimmed == "/" ? "/" : String(trimmed[trimmed.index(after: slash)...])
    }

    /// The directory part: "/a" for "/a/b", "/" for "/a", "" for "a".
    var deletingLastPathComponent: String {
        let trimmed = trimmingTrailingSlashes
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        if slash == trimmed.startIndex { return "/" }
        return String(trimmed[..<slash])
    }

    private var trimmingTrailingSlashes: String {
        var text = self
        while text.count > 1, text.hasSuffix("/") { text.removeLast() }
        return text
    }
}
