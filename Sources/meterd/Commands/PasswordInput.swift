import ArgumentParser
import FoundationEssentials
import Glibc
import MeterDaemon

/// Reads a password from a file or from the terminal with echo off.
enum PasswordInput {
    static func fromFile(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure(.failure, "cannot read the password file \(path)")
        }
        let firstLine = data.prefix { $0 != 0x0A }
        return Array(firstLine.last == 0x0D ? firstLine.dropLast() : firstLine)
    }

    static func fromTerminal(prompt: String) throws -> [UInt8] {
        guard isatty(STDIN_FILENO) == 1 else {
            throw CommandFailure(.failure, "no terminal to ask for the password on; pass --password-file FILE")
        }
        StandardStream.error.write(prompt)
        var original = termios()
        tcgetattr(STDIN_FILENO, &original)
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &original)
            StandardStream.error.write("\n")
        }
        guard let line = readLine(strippingNewline: true) else { throw CommandFailure(.failure, "no password entered") }
        return Array(line.utf8)
    }
}

func printError(_ text: String) {
    StandardStream.error.write(text + "\n")
}
