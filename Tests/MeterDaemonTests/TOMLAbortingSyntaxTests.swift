import Foundation
import Testing
@testable import MeterDaemon

/// Found by the configuration and meter-profile fuzz targets (Fuzz/): a table header with no name
/// after its `[`, or a `}` where an array expects a value, aborted the whole process inside TOMLKit's
/// bundled toml++ (an assertion, kept in release builds) instead of giving a syntax error. Before the
/// fix each of these crashed the test run.
@Suite struct TOMLAbortingSyntaxTests {
    struct Case: Sendable, CustomStringConvertible {
        var text: String
        var line: Int
        var column: Int
        var message = "a table header has no name"
        var description: String { text.debugDescription }
    }

    static let headersWithoutAName: [Case] = [
        Case(text: "\n[\n\n", line: 2, column: 1),
        Case(text: "[meterd]\nuser = \"meterd\"\n  [ # comment\n", line: 3, column: 3),
        Case(text: "[[[1]]]", line: 1, column: 1),
        Case(text: "[[=", line: 1, column: 1),
        Case(text: "a = [1]\n[ .b]\n", line: 2, column: 1),
        Case(text: "s = \"\"\"\n[x]\n\"\"\"\n[\t=]", line: 4, column: 1),
        Case(text: "[signature]\nquantities = [\"voltage_l1\", }\n", line: 2, column: 29, message: "an array holds a \"}\""),
        Case(text: "a = [ # comment\n  }", line: 2, column: 3, message: "an array holds a \"}\""),
        Case(text: "a = [[1], {b = 2}, [}]]", line: 1, column: 21, message: "an array holds a \"}\""),
    ]

    @Test(arguments: headersWithoutAName)
    func isASyntaxErrorAtItsPosition(_ sample: Case) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("meterd-header-\(UUID().uuidString).toml")
        try Data(sample.text.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }

        let problems = #expect(throws: MeterdError.self) { try ConfigurationLoader.load(path: file.path) }
        #expect(problems?.code == .configuration)
        let problem = try #require(problems?.problems.first)
        #expect(problem.file == file.path)
        #expect(problem.line == sample.line)
        #expect(problem.column == sample.column)
        #expect(problem.message.contains(sample.message), "\(problem.message)")
        let refusal = #expect(throws: MeterdError.self) { try MeterProfileLoader.load(path: file.path) }
        #expect(refusal?.code == .configuration && refusal?.problems.isEmpty == false)
    }

    /// Lines that begin with `[` inside arrays, strings and comments are not headers, and `}` that
    /// closes an inline table in an array is not misplaced: these still parse.
    @Test func bracketsThatAreNotHeadersStillParse() throws {
        let text = """
            # [ a comment, not a header
            nested = [
              [+1, 2],
              [[3]],
              [
                4
              ],
              [{ a = 5 }],
              { b = [6] }, # }
            ]
            basic = \"\"\"
            [
            \"\"\"
            literal = '''
            [[=
            '''
            quoted = "[" # [
            [table]
            "key with ] bracket" = true
            [[list]]
            [ "quoted header" ]
            """
        let source = try TOMLSource(path: "/etc/meterd/meterd.toml", text: text)
        guard case .array(let nested)? = source.root["nested"] else { Issue.record("nested is \(String(describing: source.root["nested"]))"); return }
        #expect(nested.count == 5)
        #expect(source.root["basic"] == .string("[\n"))
        #expect(source.root["literal"] == .string("[[=\n"))
        #expect(source.root["quoted"] == .string("["))
        #expect(source.root["table"] == .table(["key with ] bracket": .boolean(true)]))
        #expect(source.root["quoted header"] == .table([:]))
        guard case .array(let list)? = source.root["list"] else { Issue.record("list is missing"); return }
        #expect(list.count == 1)
    }
}
