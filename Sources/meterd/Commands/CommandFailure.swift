/// How a command ends when it does not succeed, as sysexits(3) codes (README, "Exit status").
enum ExitStatus: Int32, Error {
    /// The command ran and found a problem: a meter that does not answer, a journal that does not verify.
    case failure = 1
    /// The relay command was refused: a remote cutoff in force, the line held by another process.
    case refused = 3
    /// EX_USAGE: a malformed option or argument.
    case usage = 64
    /// EX_CONFIG: the configuration file is missing, malformed or lacks what the command needs.
    case configuration = 78
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
}
