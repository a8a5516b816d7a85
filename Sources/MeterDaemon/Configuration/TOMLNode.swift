import FoundationEssentials
import Glibc
import TOMLKit

/// A parsed TOML document as plain Sendable values, with the line of every key.
///
/// TOMLKit reports the position of syntax errors but not where a valid key stands, which is what
/// a message about a wrong value must name; `KeyLocator` finds that from the text.
indirect enum TOMLNode: Sendable, Equatable {
    case table([String: TOMLNode])
    case array([TOMLNode])
    case string(String)
    case integer(Int)
    case float(Double)
    case boolean(Bool)
    /// Dates and times: meterd takes none, so only their kind is kept for the error message.
    case other(String)

    var typeName: String {
        switch self {
        case .table: return "a table"
        case .array: return "an array"
        case .string: return "a string"
        case .integer: return "an integer"
        case .float: return "a number"
        case .boolean: return "a boolean"
        case .other(let kind): return "a \(kind)"
        }
    }

    init(_ value: any TOMLValueConvertible) {
        switch value.type {
        case .table:
            let table = value.table!
            var entries: [String: TOMLNode] = [:]
            for key in table.keys { entries[key] = TOMLNode(table[key]!) }
            self = .table(entries)
        case .array:
            self = .array(value.array!.map { TOMLNode($0) })
        case .string: self = .string(value.string!)
        case .int: self = .integer(value.int!)
        case .double: self = .float(value.double!)
        case .bool: self = .boolean(value.bool!)
        case .date: self = .other("date")
        case .time: self = .other("time")
        case .dateTime: self = .other("date-time")
        }
    }
}

/// A TOML file read from disk (or given as text), parsed, with its key positions.
public struct TOMLSource: Sendable {
    let path: String
    /// The file as read: what a journaled configuration hash covers (empty for a source built from
    /// an already parsed document).
    public let text: String
    let root: [String: TOMLNode]
    let locator: KeyLocator

    /// Parses `text`; a syntax error becomes a problem with TOMLKit's line and column.
    init(path: String, text: String) throws(MeterdError) {
        self.path = path
        self.text = text
        if let unsafe = TOMLHeaderCheck.firstUnsafeSyntax(in: text) {
            throw MeterdError.configuration([ConfigurationProblem(file: path, line: unsafe.line, column: unsafe.column, key: nil,
                                                                  message: "TOML syntax error: \(unsafe.message)", fix: "correct the syntax at that position")])
        }
        do {
            let table = try TOMLTable(string: text)
            guard case .table(let entries) = TOMLNode(table) else { preconditionFailure("a TOML document is a table") }
            root = entries
        } catch let error as TOMLParseError {
            let line = error.source.begin.line
            if let column = UnclosedQuote.column(onLine: line, of: text) {
                throw MeterdError.configuration([ConfigurationProblem(file: path, line: line, column: column, key: nil,
                                                                      message: "unclosed quote: the string that starts here has no closing quote on its line",
                                                                      fix: "add the closing quote")])
            }
            throw MeterdError.configuration([ConfigurationProblem(
                file: path, line: error.source.begin.line, column: error.source.begin.column, key: nil,
                message: "TOML syntax error: \(error.description)", fix: "correct the syntax at that position")])
        } catch {
            throw MeterdError.configuration([ConfigurationProblem(file: path, line: nil, key: nil, message: "cannot parse: \(error)", fix: nil)])
        }
        locator = KeyLocator(text: text)
    }

    /// A source built from an already parsed document, e.g. one a test adjusted.
    init(path: String, root: [String: TOMLNode], locator: KeyLocator) {
        self.path = path
        self.text = ""
        self.root = root
        self.locator = locator
    }

    static func read(path: String) throws(MeterdError) -> TOMLSource {
        guard let file = fopen(path, "r") else {
            throw MeterdError.configuration([ConfigurationProblem(file: path, line: nil, key: nil, message: "cannot read the file (\(String(cString: strerror(errno))))",
                                                                  fix: "check that it exists and that the service user may read it")])
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            bytes.append(contentsOf: chunk[0..<count])
            if count < chunk.count { break }
        }
        return try TOMLSource(path: path, text: String(decoding: bytes, as: UTF8.self))
    }
}
