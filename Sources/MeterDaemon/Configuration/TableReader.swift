/// Collects the problems of one file while its tables are read.
final class ProblemCollector {
    private(set) var problems: [ConfigurationProblem] = []

    func add(_ problem: ConfigurationProblem) { problems.append(problem) }
}

/// Reads the keys of one TOML table into typed values.
///
/// Every accessor records a problem (with the key's line) instead of throwing, so one pass over a
/// file reports everything wrong with it. Keys nobody asked for are reported by `rejectUnknownKeys`,
/// with the closest known key as a suggestion.
struct TableReader {
    let source: TOMLSource
    let path: [String]
    let entries: [String: TOMLNode]
    let problems: ProblemCollector
    private let asked = KeySet()

    init(source: TOMLSource, path: [String], entries: [String: TOMLNode], problems: ProblemCollector) {
        self.source = source
        self.path = path
        self.entries = entries
        self.problems = problems
    }

    var name: String { path.last ?? "" }

    func has(_ key: String) -> Bool { entries[key] != nil }

    func report(_ key: String?, _ message: String, fix: String? = nil) {
        let keyPath = key.map { path + [$0] } ?? path
        problems.add(ConfigurationProblem(
            file: source.path, line: source.locator.line(of: keyPath), key: keyPath.isEmpty ? nil : keyPath.joined(separator: "."),
            message: message, fix: fix))
    }

    private func value(_ key: String, required: Bool) -> TOMLNode? {
        asked.insert(key)
        guard let node = entries[key] else {
            if required { report(key, "is missing", fix: path.isEmpty ? "add a [\(key)] table" : "add \(key) = … to [\(path.joined(separator: "."))]") }
            return nil
        }
        return node
    }

    private func wrongType(_ key: String, _ node: TOMLNode, expected: String) {
        report(key, "must be \(expected), found \(node.typeName)")
    }

    func string(_ key: String, required: Bool = false) -> String? {
        guard let node = value(key, required: required) else { return nil }
        guard case .string(let text) = node else { wrongType(key, node, expected: "a string"); return nil }
        return text
    }

    func integer(_ key: String, required: Bool = false, in range: ClosedRange<Int>) -> Int? {
        guard let node = value(key, required: required) else { return nil }
        guard case .integer(let number) = node else { wrongType(key, node, expected: "an integer"); return nil }
        guard range.contains(number) else {
            report(key, "is \(number), must be between \(range.lowerBound) and \(range.upperBound)")
            return nil
        }
        return number
    }

    func number(_ key: String, required: Bool = false, in range: ClosedRange<Double>) -> Double? {
        guard let node = value(key, required: required) else { return nil }
        let number: Double
        switch node {
        case .float(let value): number = value
        case .integer(let value): number = Double(value)
        default: wrongType(key, node, expected: "a number"); return nil
        }
        guard range.contains(number), number.isFinite else {
            report(key, "is \(number), must be between \(range.lowerBound) and \(range.upperBound)")
            return nil
        }
        return number
    }

    func boolean(_ key: String, required: Bool = false) -> Bool? {
        guard let node = value(key, required: required) else { return nil }
        guard case .boolean(let flag) = node else { wrongType(key, node, expected: "true or false"); return nil }
        return flag
    }

    /// A string that must be one of a few words, turned into its enum.
    func choice<Choice: RawRepresentable & CaseIterable>(_ key: String, required: Bool = false, as type: Choice.Type) -> Choice?
    where Choice.RawValue == String {
        guard let text = string(key, required: required) else { return nil }
        guard let choice = Choice(rawValue: text) else {
            let allowed = Choice.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            report(key, "is \"\(text)\", must be one of \(allowed)")
            return nil
        }
        return choice
    }

    func strings(_ key: String, required: Bool = false) -> [String]? {
        guard let node = value(key, required: required) else { return nil }
        guard case .array(let items) = node else { wrongType(key, node, expected: "an array of strings"); return nil }
        var texts: [String] = []
        for item in items {
            guard case .string(let text) = item else { wrongType(key, item, expected: "an array of strings"); return nil }
            texts.append(text)
        }
        return texts
    }

    func table(_ key: String, required: Bool = false) -> TableReader? {
        guard let node = value(key, required: required) else { return nil }
        guard case .table(let entries) = node else { wrongType(key, node, expected: "a table ([\(key)])"); return nil }
        return TableReader(source: source, path: path + [key], entries: entries, problems: problems)
    }

    /// The sub-tables of this table, by name and in name order (e.g. every `[meters.NAME]`).
    /// Marks keys as known without reading them, where the table cannot be read further (its bus
    /// is missing, say): they are then not also reported as unknown.
    func leaveUnread(_ keys: [String]) {
        for key in keys { asked.insert(key) }
    }

    func namedTables() -> [TableReader] {
        entries.keys.sorted().compactMap { table($0) }
    }

    func rejectUnknownKeys() {
        let known = asked.all
        for key in entries.keys.sorted() where !known.contains(key) {
            var fix: String? = nil
            if let suggestion = Self.closest(to: key, among: known) { fix = "did you mean \(suggestion)?" }
            report(key, "is not a known key here", fix: fix ?? "remove it; \(etcDefaultHint)")
        }
    }

    private var etcDefaultHint: String { "etc/meterd.toml documents every key" }

    static func closest(to key: String, among candidates: Set<String>) -> String? {
        let limit = max(2, key.count / 3)
        var best: (key: String, distance: Int)?
        for candidate in candidates.sorted() {
            let distance = editDistance(key, candidate)
            if distance <= limit, distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
        }
        return best?.key
    }

    /// Levenshtein distance, for "did you mean" suggestions.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            previous = current
        }
        return previous[b.count]
    }
}

/// The keys a reader was asked for; a class so copies of a reader share it.
private final class KeySet {
    private(set) var all: Set<String> = []
    func insert(_ key: String) { all.insert(key) }
}
