import ArgumentParser
import Glibc
import MeterDaemon

@main
struct Meterd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meterd",
        abstract: "Reads power meters, journals every reading and settles consumption against the agreement contract.",
        discussion: ExitStatus.table,
        version: MeterdVersion.current,
        subcommands: [RunCommand.self, ConfigCommand.self, ReadCommand.self, ProbeCommand.self, KeyCommand.self, JournalCommand.self,
                      RelayCommand.self, ChainCommand.self, SlotCommand.self]
    )

    /// ArgumentParser's own main, except that every failure leaves one way: "meterd: " and its
    /// message on standard error, and the exit status of `ExitStatus`.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch let failure as CommandFailure {
            Terminal.error(failure.description)
            Glibc.exit(failure.status.rawValue)
        } catch let status as ExitStatus {
            Glibc.exit(status.rawValue)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                Glibc.exit(0)
            }
            // The first line is the error; the usage lines after it stay as ArgumentParser wrote them.
            let lines = (message.hasPrefix("Error: ") ? String(message.dropFirst("Error: ".count)) : message).split(separator: "\n", maxSplits: 1)
            if let first = lines.first { Terminal.error(String(first)) }
            if lines.count > 1 { StandardStream.error.write(lines[1] + "\n") }
            Glibc.exit(code.rawValue)
        }
    }
}
