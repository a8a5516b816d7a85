import MeterDaemon

/// How a command ends when it does not succeed, as sysexits(3) codes.
enum ExitStatus: Int32, Error, CaseIterable {
    case failure = 1
    case refused = 3
    /// EX_USAGE.
    case usage = 64
    /// EX_CONFIG.
    case configuration = 78

    var meaning: String {
        switch self {
        case .failure: "a problem found: a silent meter, a journal that does not verify, no node"
        case .refused: "a relay order refused: a remote cutoff in force, the line held elsewhere"
        case .usage: "a usage error: a malformed option or argument"
        case .configuration: "a configuration error: the file is missing, malformed or incomplete"
        }
    }

    /// The status `MeterdError.exitStatus` names (a relay order refused, a configuration, a failure).
    init(_ error: MeterdError) {
        self = ExitStatus(rawValue: error.exitStatus) ?? .failure
    }

    /// What `meterd --help` (and so the man page) lists; README.md's "Exit status" is the same table.
    static let table = "Exit status:\n" + ([(0, "success")] + allCases.map { (Int($0.rawValue), $0.meaning) })
        .map { status, meaning in "  \(status)\(String(repeating: " ", count: 4 - String(status).count))\(meaning)" }
        .joined(separator: "\n")
}

/// The one way a command fails: the message (printed after "meterd: ") and the exit status. A
/// command whose own output already says what is wrong throws the bare `ExitStatus`.
struct CommandFailure: Error, CustomStringConvertible {
    let status: ExitStatus
    let description: String

    init(_ status: ExitStatus = .failure, _ description: String) {
        self.status = status
        self.description = description
    }

    /// The error's message, with the status it classifies itself as.
    init(_ error: MeterdError) {
        self.init(ExitStatus(error), error.description)
    }
}
