import ChainClient
import FoundationEssentials
import Glibc

/// The device key on disk: 64 hex digits and a newline, mode 0600, owned by the service user.
public enum DeviceKeyFile {
    public static let defaultPath = "/var/lib/meterd/device.key"

    /// Loads the key after checking the file's type, owner and mode (`KeyFilePolicy`).
    ///
    /// `requireOwnership: false` is for diagnostics that only derive the address (`meterd key address`,
    /// `journal verify` run by an administrator as root): the key must still not be readable by others,
    /// but it may belong to the service user. The daemon always requires ownership.
    public static func load(path: String, requireOwnership: Bool = true) throws -> PrivateKey {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            switch errno {
            case ENOENT: throw MeterdError.keyMissing(path: path)
            case ELOOP: throw MeterdError.keyNotARegularFile(path: path)
            case let code: throw MeterdError.keyIO(operation: "opening", path: path, reason: String(cString: strerror(code)))
            }
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw MeterdError.keyIO(operation: "checking", path: path, reason: String(cString: strerror(errno)))
        }
        if let refusal = KeyFilePolicy.check(path: path, mode: UInt32(info.st_mode), ownerID: info.st_uid,
                                             isRegularFile: info.st_mode & S_IFMT == S_IFREG,
                                             runningUserID: requireOwnership ? geteuid() : info.st_uid,
                                             runningUserName: SystemUser.name(of: geteuid())) {
            throw refusal
        }
        var bytes = [UInt8](repeating: 0, count: 256)
        let count = read(descriptor, &bytes, bytes.count)
        guard count >= 0 else { throw MeterdError.keyIO(operation: "reading", path: path, reason: String(cString: strerror(errno))) }
        let text = String(decoding: bytes.prefix(count), as: UTF8.self).trimmed()
        guard let raw = try? Hex.decode(text), raw.count == 32 else {
            throw MeterdError.keyMalformed(path: path, reason: "expected 64 hex digits, found \(text.count) characters")
        }
        do {
            return try PrivateKey(bytes: raw)
        } catch {
            throw MeterdError.keyMalformed(path: path, reason: "\(error)")
        }
    }

    /// Writes `key` to a new file with mode 0600; refuses if the path exists (never overwrites).
    public static func create(path: String, key: PrivateKey) throws {
        let directory = path.deletingLastPathComponent
        if !directory.isEmpty && !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw MeterdError.keyIO(operation: "creating directory", path: directory, reason: error.systemMessage)
            }
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            if errno == EEXIST { throw MeterdError.keyAlreadyExists(path: path) }
            throw MeterdError.keyIO(operation: "creating", path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        // The umask cannot widen 0600, but an inherited ACL default could: set the mode explicitly.
        fchmod(descriptor, 0o600)
        let text = Array((Hex.encode(key.bytes, prefix: false) + "\n").utf8)
        let written = write(descriptor, text, text.count)
        guard written == text.count, fsync(descriptor) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(path)
            throw MeterdError.keyIO(operation: "writing", path: path, reason: reason)
        }
        let directoryDescriptor = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }

    /// A new key from the system CSPRNG, written with `create`.
    public static func generate(path: String) throws -> PrivateKey {
        let key = PrivateKey.generate()
        try create(path: path, key: key)
        return key
    }
}
