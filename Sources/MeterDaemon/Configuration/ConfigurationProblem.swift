/// One thing wrong with a configuration or profile file: where, what, and how to fix it. Thrown as
/// `MeterdError.configuration`, which carries every problem found in one pass.
public struct ConfigurationProblem: Sendable, Equatable, CustomStringConvertible {
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

