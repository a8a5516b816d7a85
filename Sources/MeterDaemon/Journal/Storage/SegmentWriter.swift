import FoundationEssentials
import Glibc

/// The one open, appendable segment file. Writes go to the end; a failed write is rolled back with
/// ftruncate so a partial frame never stays behind a record that will be acknowledged later.
final class SegmentWriter {
    let path: String
    let name: String
    private var descriptor: Int32
    private(set) var size: Int

    private init(path: String, descriptor: Int32, size: Int) {
        self.path = path
        self.name = path.lastPathComponent
        self.descriptor = descriptor
        self.size = size
    }

    deinit { close() }

    /// Gives the descriptor back now rather than when the last reference goes (a closed journal may
    /// still be referenced by a wait queued behind busy threads). Later writes fail with EBADF.
    func close() {
        guard descriptor >= 0 else { return }
        Glibc.close(descriptor)
        descriptor = -1
    }

    /// Creates a new segment (never replaces one), writes and syncs its header and the directory entry.
    static func create(directory: String, header: SegmentHeader) throws -> SegmentWriter {
        let path = directory.appendingPathComponent(SegmentHeader.fileName(firstSequence: header.firstSequence))
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else { throw MeterdError.journalIO(operation: "creating", path: path, errno: errno) }
        let writer = SegmentWriter(path: path, descriptor: descriptor, size: 0)
        do {
            try writer.append(header.encoded())
            try writer.sync()
            try FileIO.syncDirectory(directory)
        } catch {
            unlink(path)
            throw error
        }
        return writer
    }

    /// Opens an existing segment to append after its last good frame, cutting anything beyond it.
    static func reopen(path: String, goodEnd: Int) throws -> SegmentWriter {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard descriptor >= 0 else { throw MeterdError.journalIO(operation: "opening", path: path, errno: errno) }
        let writer = SegmentWriter(path: path, descriptor: descriptor, size: goodEnd)
        try writer.truncate(to: goodEnd)
        return writer
    }

    func append(_ bytes: [UInt8]) throws {
        var written = 0
        let failure: Int32? = bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let result = write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += result
            }
            return nil
        }
        if let failure {
            // Put the file back as it was; if even that fails the tail is torn, which recovery cuts.
            _ = ftruncate(descriptor, off_t(size))
            throw MeterdError.journalIO(operation: "writing", path: path, errno: failure)
        }
        size += bytes.count
    }

    func sync() throws {
        guard fdatasync(descriptor) == 0 else { throw MeterdError.journalStopped(path: path, errno: errno) }
    }

    func truncate(to length: Int) throws {
        guard ftruncate(descriptor, off_t(length)) == 0 else { throw MeterdError.journalIO(operation: "truncating", path: path, errno: errno) }
        size = length
    }
}
