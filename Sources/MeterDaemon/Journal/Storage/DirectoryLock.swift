import FoundationEssentials
import Glibc
import Synchronization

/// An exclusive lock on `<journal>/LOCK`, held while a Journal is open, so two daemons never append
/// to one journal. The kernel drops it when the process dies, so a crash leaves no stale lock.
///
/// A POSIX record lock (fcntl F_SETLK), not flock(2): a flock belongs to the open file, which a
/// child process shares from fork until its exec closes the descriptor, so any program meterd (or a
/// test) starts could briefly hold the journal's lock. A record lock belongs to the process and is
/// never inherited. Record locks do not exclude the same process, so a process-wide set does that.
final class DirectoryLock {
    private static let held = Mutex<Set<String>>([])
    private let descriptor: Int32
    private let path: String

    init(directory: String) throws {
        let path = URL(fileURLWithPath: directory).standardizedFileURL.appendingPathComponent("LOCK").path
        self.path = path
        let claimed = Self.held.withLock { $0.insert(path).inserted }
        guard claimed else { throw MeterdError.journalLocked(directory: directory) }
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else {
            let code = errno
            _ = Self.held.withLock { $0.remove(path) }
            throw MeterdError.journalIO(operation: "creating", path: path, errno: code)
        }
        var lock = flock(l_type: Int16(F_WRLCK), l_whence: Int16(SEEK_SET), l_start: 0, l_len: 0, l_pid: 0)
        guard fcntl(descriptor, F_SETLK, &lock) == 0 else {
            let code = errno
            close(descriptor)
            _ = Self.held.withLock { $0.remove(path) }
            if code == EAGAIN || code == EACCES { throw MeterdError.journalLocked(directory: directory) }
            throw MeterdError.journalIO(operation: "locking", path: path, errno: code)
        }
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
        _ = Self.held.withLock { $0.remove(path) }
    }
}
