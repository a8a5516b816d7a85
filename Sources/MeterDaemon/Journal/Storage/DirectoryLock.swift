import Foundation

/// An exclusive flock(2) on `<journal>/LOCK`, held while a Journal is open, so two daemons never
/// append to one journal. The kernel drops it when the process dies, so a crash leaves no stale lock.
final class DirectoryLock {
    private let descriptor: Int32

    init(directory: String) throws {
        let path = (directory as NSString).appendingPathComponent("LOCK")
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else { throw JournalError.io(operation: "creating", path: path, errno: errno) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(descriptor)
            if code == EWOULDBLOCK { throw JournalError.locked(directory: directory) }
            throw JournalError.io(operation: "locking", path: path, errno: code)
        }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }
}
