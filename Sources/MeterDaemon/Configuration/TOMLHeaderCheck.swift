/// Finds the syntax errors that abort meterd inside TOMLKit instead of being reported: toml++ 3.4.0
/// (bundled by TOMLKit 0.6.0) asserts when a table header's first character after `[` or `[[` is not
/// a key (`[` then a line break, `[[[a]]]`, `[[=`; fixed upstream in tomlplusplus#301), and when an
/// array holds a `}` where a value belongs (`[1, }`). The release build keeps C++ assertions, so such
/// a line in meterd.toml or a meter profile would crash the daemon. Mirrors toml++'s rules for where
/// a header starts: the first thing on a line, outside strings, comments and multi-line arrays.
enum TOMLHeaderCheck {
    struct Position: Equatable {
        var line: Int
        var column: Int
        var message: String
    }

    /// The position of the first syntax toml++ cannot parse safely, or nil.
    static func firstUnsafeSyntax(in text: String) -> Position? {
        let bytes = Array(text.utf8)
        var index = 0
        var line = 1
        var lineStart = 0
        var onlyWhitespaceSoFar = true
        var open: [UInt8] = []
        // Just after an array's `[` or `,`: toml++ parses the next thing that is not blank as a value.
        var arrayWantsValue = false
        while index < bytes.count {
            let byte = bytes[index]
            if arrayWantsValue, byte == UInt8(ascii: "}") {
                return Position(line: line, column: index - lineStart + 1, message: "an array holds a \"}\" where a value belongs")
            }
            if ![UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"), UInt8(ascii: "#")].contains(byte) {
                arrayWantsValue = byte == UInt8(ascii: ",") && open.last == UInt8(ascii: "[")
            }
            switch byte {
            case UInt8(ascii: "\n"):
                line += 1
                lineStart = index + 1
                onlyWhitespaceSoFar = true
                index += 1
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                index += 1
            case UInt8(ascii: "#"):
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                let end = stringEnd(bytes, from: index)
                line += bytes[index..<end].count { $0 == UInt8(ascii: "\n") }
                if let newline = bytes[index..<end].lastIndex(of: UInt8(ascii: "\n")) { lineStart = newline + 1 }
                onlyWhitespaceSoFar = false
                index = end
            case UInt8(ascii: "[") where onlyWhitespaceSoFar && open.isEmpty:
                if !headerStartsSafely(bytes, after: index) {
                    return Position(line: line, column: index - lineStart + 1, message: "a table header has no name after its \"[\"")
                }
                onlyWhitespaceSoFar = false
                index += 1
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                open.append(byte)
                arrayWantsValue = byte == UInt8(ascii: "[")
                onlyWhitespaceSoFar = false
                index += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                _ = open.popLast()
                onlyWhitespaceSoFar = false
                index += 1
            default:
                onlyWhitespaceSoFar = false
                index += 1
            }
        }
        return nil
    }

    /// toml++'s parse_table_header up to its call of parse_key: what follows `[` (and a contiguous
    /// second `[`, each then blanks) must be `]`, a bare key character or a quote, or the end (which
    /// toml++ reports itself).
    private static func headerStartsSafely(_ bytes: [UInt8], after open: Int) -> Bool {
        var index = open + 1
        let hadBlank = skipBlanks(bytes, &index)
        guard index < bytes.count else { return true }
        if bytes[index] == UInt8(ascii: "[") {
            if hadBlank { return true }
            index += 1
            skipBlanks(bytes, &index)
            guard index < bytes.count else { return true }
        }
        let byte = bytes[index]
        let isBareKey = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        return isBareKey || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
    }

    @discardableResult
    private static func skipBlanks(_ bytes: [UInt8], _ index: inout Int) -> Bool {
        let start = index
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") { index += 1 }
        return index > start
    }

    /// The index just past the string opening at `start`: basic ("…", with escapes), literal ('…'),
    /// or their multi-line forms, whose closing run may carry up to two more quotes. An unclosed
    /// single-line string ends at the line break, an unclosed multi-line one at the end.
    private static func stringEnd(_ bytes: [UInt8], from start: Int) -> Int {
        let quote = bytes[start]
        let escapes = quote == UInt8(ascii: "\"")
        let multiLine = bytes.count - start >= 3 && bytes[start + 1] == quote && bytes[start + 2] == quote
        var index = start + (multiLine ? 3 : 1)
        while index < bytes.count {
            let byte = bytes[index]
            if escapes, byte == UInt8(ascii: "\\") {
                index += 2
            } else if !multiLine, byte == UInt8(ascii: "\n") {
                return index
            } else if byte != quote {
                index += 1
            } else if !multiLine {
                return index + 1
            } else if bytes.count - index >= 3, bytes[index + 1] == quote, bytes[index + 2] == quote {
                var end = index + 3
                while end < bytes.count, end < index + 5, bytes[end] == quote { end += 1 }
                return end
            } else {
                index += 1
            }
        }
        return bytes.count
    }
}
