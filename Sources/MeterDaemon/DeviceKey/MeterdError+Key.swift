/// Why the device key file cannot be used, each with the command that fixes it.
extension MeterdError {
    static func keyMissing(path: String) -> MeterdError {
        MeterdError(.key(.missing),
                    "no device key at \(path); create one with `meterd key generate --out \(path)` or import one with `meterd key import-keystore FILE --out \(path)`")
    }

    static func keyAlreadyExists(path: String) -> MeterdError {
        MeterdError(.key(.alreadyExists),
                    "\(path) already exists and meterd never overwrites a key (it is the device's identity in the contract); move it away first if you really mean to replace it")
    }

    static func keyReadableByOthers(path: String, mode: UInt32) -> MeterdError {
        MeterdError(.key(.readableByOthers),
                    "\(path) has mode \(String(mode & 0o777, radix: 8)), so group or others can read the device key; run: chmod 600 \(path)")
    }

    static func keyWrongOwner(path: String, ownerID: UInt32, user: String) -> MeterdError {
        MeterdError(.key(.wrongOwner), "\(path) is owned by uid \(ownerID), not by \(user) who runs meterd; run: chown \(user): \(path)")
    }

    static func keyNotARegularFile(path: String) -> MeterdError {
        MeterdError(.key(.notARegularFile), "\(path) is not a regular file (a symlink or directory?); put the key file itself there")
    }

    static func keyMalformed(path: String, reason: String) -> MeterdError {
        MeterdError(.key(.malformed), "\(path) is not a meterd device key (\(reason)); it must hold the 32-byte private key as 64 hex digits")
    }

    static func keyIO(operation: String, path: String, reason: String) -> MeterdError {
        MeterdError(.key(.io), "\(operation) \(path) failed: \(reason)")
    }

    static func keyNotTheOwner(path: String, ownerID: UInt32) -> MeterdError {
        MeterdError(.key(.notTheOwner),
                    "\(path) belongs to uid \(ownerID): run `meterd key rotate` as that user (e.g. sudo -u meterd meterd key rotate …), "
                        + "so that the new key file and the journal's files stay the service user's")
    }

    static func sameKey(path: String, address: String) -> MeterdError {
        MeterdError(.key(.sameKey), "the new key is the key already in \(path) (\(address)); give another key file, or none to generate one")
    }
}
