import FoundationEssentials
import Glibc

/// Small POSIX helpers for the journal directory.
enum FileIO {
    static func readAll(_ path: String) throws -> [UInt8] {
        try read(path, from: 0)
    }

    /// The bytes of `path` from `offset` to its end: what a reader following the file has not read yet.
    static func read(_ path: String, from offset: Int) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw MeterdError.journalIO(operation: "opening", path: path, errno: errno) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw MeterdError.journalIO(operation: "reading", path: path, errno: errno) }
        var bytes = [UInt8](repeating: 0, count: max(0, Int(info.st_size) - offset))
        var done = 0
        while done < bytes.count {
            let result = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, $0.count - done, off_t(offset + done)) }
            if result < 0 {
                if errno == EINTR { continue }
                throw MeterdError.journalIO(operation: "reading", path: path, errno: errno)
            }
            if result == 0 { break }
            done += result
        }
        return Array(bytes.prefix(done))
    }

    static func syncDirectory(_ directory: String) throws {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw MeterdError.journalIO(operation: "opening", path: directory, errno: errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw MeterdError.journalStopped(path: directory, errno: errno) }
    }

    /// mkdir -p with mode 0750, reporting the errno of the step that failed.
    static func createDirectory(_ directory: String) throws {
        var info = stat()
        if stat(directory, &info) == 0 { return }
        let parent = directory.deletingLastPathComponent
        if !parent.isEmpty && parent != directory { try createDirectory(parent) }
        guard mkdir(directory, 0o750) == 0 || errno == EEXIST else {
            throw MeterdError.journalIO(operation: "creating directory", path: directory, errno: errno)
        }
    }

    /// Segment file names in chain order.
    static func segmentNames(in directory: String) throws -> [String] {
        guard let stream = opendir(directory) else { throw MeterdError.journalIO(operation: "listing", path: directory, errno: errno) }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasSuffix(".seg") && name.count == 20 { names.append(name) }
        }
        return names.sorted()
    }

    static func fileSize(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }

    static func writeNew(_ path: String, _ bytes: [UInt8]) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else { throw MeterdError.journalIO(operation: "creating", path: path, errno: errno) }
        defer { close(descriptor) }
        var done = 0
        while done < bytes.count {
            let result = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + done, $0.count - done) }
            if result < 0 {
                if errno == EINTR { continue }
                throw MeterdError.journalIO(operation: "writing", path: path, errno: errno)
            }
            done += result
        }
        guard fsync(descriptor) == 0 else { throw MeterdError.journalStopped(path: path, errno: errno) }
    }
}
