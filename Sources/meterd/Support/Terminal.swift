import Foundation
import Logging

/// What the command-line tool writes where: results to standard output, problems and progress to
/// standard error (so `meterd read --json | jq` stays clean).
enum Terminal {
    static func error(_ message: String) {
        for line in message.split(separator: "\n", omittingEmptySubsequences: false) {
            FileHandle.standardError.write(Data("meterd: \(line)\n".utf8))
        }
    }

    static func warning(_ message: String) {
        FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
    }

    static var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// A progress line that overwrites itself on a terminal and is left out elsewhere.
    static func progress(_ message: String) {
        guard standardErrorIsTerminal else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K\(message)".utf8))
    }

    static func endProgress() {
        guard standardErrorIsTerminal else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    static func output(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func json(_ object: Any) {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    /// Log lines of the libraries go to standard error, quiet unless asked for.
    static func bootstrapLogging(verbose: Bool) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = verbose ? .debug : .warning
            return handler
        }
    }
}
