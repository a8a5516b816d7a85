import ChainClient
import Glibc
import Logging
import MeterDaemon
import Synchronization

/// What the command-line tool writes where: results to standard output, problems and progress to
/// standard error (so `meterd read --json | jq` stays clean).
enum Terminal {
    static func error(_ message: String) {
        for line in message.split(separator: "\n", omittingEmptySubsequences: false) {
            StandardStream.error.write("meterd: \(line)\n")
        }
    }

    static func warning(_ message: String) {
        StandardStream.error.write("warning: \(message)\n")
    }

    static var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// A progress line that overwrites itself on a terminal and is left out elsewhere.
    /// On a terminal, one line rewritten in place; on a pipe or a log, a line every few seconds.
    static func progress(_ message: String) {
        if standardErrorIsTerminal {
            StandardStream.error.write("\r\u{1B}[K\(message)")
            return
        }
        let now = ContinuousClock.now
        let due = lastPipedProgress.withLock { last in
            guard last.map({ now - $0 >= pipedProgressInterval }) ?? true else { return false }
            last = now
            return true
        }
        if due { StandardStream.error.write("\(message)\n") }
    }

    private static let pipedProgressInterval = Duration.seconds(5)
    private static let lastPipedProgress = Mutex<ContinuousClock.Instant?>(nil)

    static func endProgress() {
        guard standardErrorIsTerminal else { return }
        StandardStream.error.write("\r\u{1B}[K")
    }

    static func output(_ text: String) {
        StandardStream.output.write(text + "\n")
    }

    static func json(_ value: JSONValue) {
        StandardStream.output.write("\(value)\n")
    }

    /// Log lines of the libraries go to standard error, quiet unless asked for.
    static func bootstrapLogging(verbose: Bool) {
        LoggingSystem.bootstrap { _ in TerminalLogHandler(logLevel: verbose ? .debug : .warning) }
    }
}
