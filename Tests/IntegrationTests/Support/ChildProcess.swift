import Foundation
import Glibc

enum ChildProcess {
    /// SIGTERM, a few seconds to exit, then SIGKILL: a test never hangs on a child that will not stop.
    static func stop(_ process: Process, grace: Double = 3) {
        guard process.isRunning else { return }
        if grace > 0 { process.terminate() }
        let deadline = Date().addingTimeInterval(grace)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
