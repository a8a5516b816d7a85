/// Why the device key file cannot be used, each with the command that fixes it.
enum DeviceKeyError: Error, Equatable, CustomStringConvertible {
    case missing(path: String)
    case alreadyExists(path: String)
    case readableByOthers(path: String, mode: UInt32)
    case wrongOwner(path: String, ownerID: UInt32, user: String)
    case notARegularFile(path: String)
    case malformed(path: String, reason: String)
    case io(operation: String, path: String, reason: String)
    case notTheOwner(path: String, ownerID: UInt32)
    case sameKey(path: String, address: String)

    var description: String {
        switch self {
        case .missing(let path):
            return "no device key at \(path); create one with `meterd key generate --out \(path)` or import one with `meterd key import-keystore FILE --out \(path)`"
        case .alreadyExists(let path):
            return "\(path) already exists and meterd never overwrites a key (it is the device's identity in the contract); move it away first if you really mean to replace it"
        case .readableByOthers(let path, let mode):
            return "\(path) has mode \(String(mode & 0o777, radix: 8)), so group or others can read the device key; run: chmod 600 \(path)"
        case .wrongOwner(let path, let ownerID, let user):
            return "\(path) is owned by uid \(ownerID), not by \(user) who runs meterd; run: chown \(user): \(path)"
        case .notARegularFile(let path):
            return "\(path) is not a regular file (a symlink or directory?); put the key file itself there"
        case .malformed(let path, let reason):
            return "\(path) is not a meterd device key (\(reason)); it must hold the 32-byte private key as 64 hex digits"
        case .notTheOwner(let path, let ownerID):
            return "\(path) belongs to uid \(ownerID): run `meterd key rotate` as that user (e.g. sudo -u meterd meterd key rotate …), "
                + "so that the new key file and the journal's files stay the service user's"
        case .sameKey(let path, let address):
            return "the new key is the key already in \(path) (\(address)); give another key file, or none to generate one"
        case .io(let operation, let path, let reason):
            return "\(operation) \(path) failed: \(reason)"
        }
    }
}
