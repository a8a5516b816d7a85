import ChainClient
import FoundationEssentials
/// Finds the line on which a key of a TOML document is written.
///
/// It follows table headers (`[a.b]`, `[[a]]`) and `key = value` lines, including dotted keys and
/// the keys of inline tables, which share their parent key's line. Arrays of tables are numbered
/// (`meters.0.name`) in the order they appear, as the parsed document numbers them.
struct KeyLocator: Sendable {
    private var lines: [String: Int] = [:]

    init(text: String) {
        var table: [String] = []
        var arrayCounts: [String: Int] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let line = Self.stripComment(String(rawLine)).trimmed()
            if line.hasPrefix("[[") {
                let path = Self.keyPath(String(line.dropFirst(2).prefix { $0 != "]" }))
                let joined = path.joined(separator: ".")
                let position = arrayCounts[joined, default: 0]
                arrayCounts[joined] = position + 1
                table = path + [String(position)]
                record(table, lineNumber)
            } else if line.hasPrefix("[") {
                table = Self.keyPath(String(line.dropFirst().prefix { $0 != "]" }))
                record(table, lineNumber)
            } else if let equals = Self.assignment(in: line) {
                let key = table + Self.keyPath(String(line[..<equals]))
                record(key, lineNumber)
                recordInlineKeys(String(line[line.index(after: equals)...]), under: key, line: lineNumber)
            }
        }
    }

    /// The line of `path` (e.g. ["meters", "main", "baud"]), or of its nearest written parent.
    func line(of path: [String]) -> Int? {
        var path = path
        while !path.isEmpty {
            if let line = lines[path.joined(separator: "\u{1F}")] { return line }
            path.removeLast()
        }
        return nil
    }

    private mutating func record(_ path: [String], _ line: Int) {
        let key = path.joined(separator: "\u{1F}")
        if lines[key] == nil { lines[key] = line }
    }

    private mutating func recordInlineKeys(_ value: String, under parent: [String], line: Int) {
        var stack: [[String]] = []
        var current = parent
        var token = ""
        var inString: Character?
        for character in value {
            if let quote = inString {
                if character == quote { inString = nil }
                continue
            }
            switch character {
            case "\"", "'": inString = character
            case "{":
                stack.append(current)
                token = ""
            case "}":
                current = stack.popLast() ?? parent
                token = ""
            case "=":
                if !stack.isEmpty {
                    let key = (stack.last ?? parent) + Self.keyPath(token)
                    record(key, line)
                    current = key
                }
                token = ""
            case ",":
                if let top = stack.last { current = top }
                token = ""
            default:
                token.append(character)
            }
        }
    }

    private static func assignment(in line: String) -> String.Index? {
        firstUnquoted("=", in: line)
    }

    private static func keyPath(_ text: String) -> [String] {
        text.split(separator: ".").map {
            $0.trimmed().trimming(charactersIn: "\"'")
        }
    }

    private static func stripComment(_ line: String) -> String {
        firstUnquoted("#", in: line).map { String(line[..<$0]) } ?? line
    }

    /// Where `target` first stands outside a quoted string.
    private static func firstUnquoted(_ target: Character, in line: String) -> String.Index? {
        var inString: Character?
        for index in line.indices {
            let character = line[index]
            if let quote = inString {
                if character == quote { inString = nil }
            } else if character == "\"" || character == "'" {
                inString = character
            } else if character == target {
                return index
            }
        }
        return nil
    }
}
