import FoundationEssentials
import Glibc

/// A JSON file replaced atomically: write a temporary file, fsync it, rename it over the old one, fsync
/// the directory. A crash at any moment leaves either the old or the new value, never a mix.
public struct FileStateStore<Value: Codable & Sendable>: StateStore {
    public let path: String

    public init(path: String) { self.path = path }

    public func load() throws -> Value? {
        guard let data = FileManager.default.contents(atPath: path) else {
            if FileManager.default.fileExists(atPath: path) { throw ChainClientError.stateFile(path: path, operation: "reading", reason: "cannot read the file") }
            return nil
        }
        do { return try JSONDecoder().decode(Value.self, from: data) } catch {
            throw ChainClientError.stateFile(path: path, operation: "reading", reason: "the file is not valid state (\(error)); move it aside to start from the chain's state")
        }
    }

    public func save(_ value: Value) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let bytes = Array(try encoder.encode(value))
        let temporary = path + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failure("creating", temporary) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, bytes.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                let error = failure("writing", temporary)
                close(descriptor)
                throw error
            }
            written += count
        }
        guard fsync(descriptor) == 0 else {
            let error = failure("syncing", temporary)
            close(descriptor)
            throw error
        }
        close(descriptor)
        guard rename(temporary, path) == 0 else { throw failure("renaming onto", path) }
        let directory = Self.directory(of: path)
        let directoryDescriptor = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directoryDescriptor >= 0 else { throw failure("opening the directory of", path) }
        defer { close(directoryDescriptor) }
        guard fsync(directoryDescriptor) == 0 else { throw failure("syncing the directory of", path) }
    }

    private func failure(_ operation: String, _ file: String) -> ChainClientError {
        .stateFile(path: file, operation: operation, reason: String(cString: strerror(errno)))
    }

    /// The directory part of `path`: "/a" for "/a/b", "/" for "/a", "" for "a" (trailing slashes ignored).
    private static func directory(of path: String) -> String {
        var trimmed = path
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        if slash == trimmed.startIndex { return "/" }
        return String(trimmed[..<slash])
    }
}
