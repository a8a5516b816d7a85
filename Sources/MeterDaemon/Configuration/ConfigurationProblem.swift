/// One thing wrong with a configuration or profile file: where, what, and how to fix it.
public struct ConfigurationProblem: Error, Sendable, Equatable, CustomStringConvertible {
    var file: String
    var line: Int?
    var column: Int?
    /// The dotted key the problem is about, e.g. `meters.main.baud`.
    var key: String?
    var message: String
    var fix: String?

    init(file: String, line: Int?, column: Int? = nil, key: String?, message: String, fix: String?) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.message = message
        self.fix = fix
    }

    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if let column { place += ":\(column)" }
        var text = "\(place): "
        if let key { text += "\(key): " }
        text += message
        if let fix { text += " (\(fix))" }
        return text
    }
}

/// Every problem found in one pass, so a field engineer fixes them all at once.
public struct ConfigurationProblems: Error, Sendable, CustomStringConvertible {
    public var problems: [ConfigurationProblem]

    init(_ problems: [ConfigurationProblem]) {
        self.problems = problems
    }

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
