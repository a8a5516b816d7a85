/// Names the commonest TOML mistake in words: a string whose closing quote is missing. toml++
/// reports it only as the character it met at the end of the line ("unescaped control characters
/// … are prohibited"), which points at the line's end, not at the quote that opened the string.
enum UnclosedQuote {
    /// The 1-based column of the quote that opens a single-line string left open on `line` of
    /// `text`, or nil when every string on that line is closed.
    static func column(onLine line: Int, of text: String) -> Int? {
        guard line >= 1, let content = text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(line - 1).first else { return nil }
        let characters = Array(content)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == "#" { return nil }
            if character == "\"" || character == "'" {
                // A multi-line string's own rules apply across lines: leave it to the parser's message.
                if index + 2 < characters.count, characters[index + 1] == character, characters[index + 2] == character { return nil }
                let opening = index
                index += 1
                while index < characters.count, characters[index] != character {
                    index += character == "\"" && characters[index] == "\\" ? 2 : 1
                }
                if index >= characters.count { return opening + 1 }
            }
            index += 1
        }
        return nil
    }
}
