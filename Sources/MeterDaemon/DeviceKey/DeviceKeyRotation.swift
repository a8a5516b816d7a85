import ChainClient
import FoundationEssentials
import Glibc

/// `meterd key rotate`: gives the device a new key, journaled so that the journal's signatures run on
/// from the old key to the new one (docs/journal-format.md).
///
/// The steps, in an order that leaves a state meterd starts from wherever it is interrupted (KEY is
/// the key file):
/// 1. `prepare`: the new key is written to KEY.new (0600, synced). The journal and KEY are still the
///    old key's: meterd starts with it and says that KEY.new is unused.
/// 2. `journal`: the rotation record, signed by both keys, and the new key's first checkpoint are
///    synced. From here the journal is the new key's and KEY.new holds it, so `completeInterrupted`,
///    which meterd runs at start, finishes steps 3 and 4.
/// 3. `install`: KEY is hard-linked as KEY.old-0xOLD, the backup (link(2) never replaces a file);
/// 4. then KEY.new is renamed over KEY (atomic) and the directory synced.
public enum DeviceKeyRotation {
    public struct Outcome: Sendable, Equatable {
        public var old: Address
        public var new: Address
        /// Where the old key is kept.
        public var backup: String
        /// The rotation record's sequence; nil when an interrupted rotation was finished.
        public var sequence: UInt64?
    }

    /// What a rotation interrupted earlier left behind.
    public enum Leftover: Sendable, Equatable {
        case none
        /// The journal had already been handed over: the new key is now installed.
        case completed(Outcome)
        /// A new key (if readable, its address) that never reached the journal: it signed nothing.
        case unused(path: String, address: Address?)
    }

    static func pendingPath(_ keyPath: String) -> String { keyPath + ".new" }

    static func backupPath(_ keyPath: String, old: Address) -> String { "\(keyPath).old-\(old.checksummed)" }

    /// All four steps. The caller has dealt with any leftover (`completeInterrupted`) first.
    public static func rotate(keyPath: String, journalDirectory: String, newKey: PrivateKey, options: JournalOptions) throws -> Outcome {
        try requireOwner(keyPath)
        let old = try DeviceKeyFile.load(path: keyPath)
        guard old.address != newKey.address else { throw MeterdError.sameKey(path: keyPath, address: old.address.checksummed) }
        try prepare(keyPath: keyPath, newKey: newKey)
        let sequence: UInt64
        do { sequence = try journal(directory: journalDirectory, old: old, new: newKey, options: options) } catch {
            // Refused (a running meterd, another key's journal): the new key signed nothing and goes.
            if case .unused(let path, _) = try completeInterrupted(keyPath: keyPath, journalDirectory: journalDirectory) { try discardUnused(path) }
            throw error
        }
        let backup = try install(keyPath: keyPath, old: old.address)
        return Outcome(old: old.address, new: newKey.address, backup: backup, sequence: sequence)
    }

    /// Step 1: the new key beside the old one, as KEY.new.
    static func prepare(keyPath: String, newKey: PrivateKey) throws {
        try DeviceKeyFile.create(path: pendingPath(keyPath), key: newKey)
    }

    /// Step 2: the journal handed over from `old` to `new` (refused when `old` does not sign it).
    static func journal(directory: String, old: PrivateKey, new: PrivateKey, options: JournalOptions) throws -> UInt64 {
        let (journal, _) = try Journal.open(directory: directory, key: old, options: options)
        let sequence: UInt64
        do { sequence = try journal.rotateKey(to: new) } catch {
            // The rotation's failure is the one to report; closing only syncs what is already written.
            try? journal.close()
            throw error
        }
        try journal.close()
        return sequence
    }

    /// Steps 3 and 4: the old key kept as its backup, the new one installed as KEY.
    static func install(keyPath: String, old: Address) throws -> String {
        let backup = backupPath(keyPath, old: old)
        if link(keyPath, backup) != 0 {
            let code = errno
            // Already made by an interrupted install: only this key may be there under this name.
            guard code == EEXIST, (try? DeviceKeyFile.load(path: backup, requireOwnership: false))?.address == old else {
                throw MeterdError.keyIO(operation: "keeping the old key as", path: backup, reason: code == EEXIST ? "it holds another key" : String(cString: strerror(code)))
            }
        }
        let pending = pendingPath(keyPath)
        guard rename(pending, keyPath) == 0 else {
            throw MeterdError.keyIO(operation: "installing the new key from", path: pending, reason: String(cString: strerror(errno)))
        }
        try FileIO.syncDirectory(keyPath.deletingLastPathComponent.isEmpty ? "." : keyPath.deletingLastPathComponent)
        return backup
    }

    /// Finishes a rotation interrupted after step 2 (KEY.new holds the journal's signer), or says that
    /// KEY.new never reached the journal. meterd runs this at start, before it loads the key.
    public static func completeInterrupted(keyPath: String, journalDirectory: String) throws -> Leftover {
        let pending = pendingPath(keyPath)
        guard access(pending, F_OK) == 0 else { return .none }
        // A file cut short by an interruption in step 1 does not load: it is unused.
        let newKey = try? DeviceKeyFile.load(path: pending)
        guard let newKey, try JournalSigner.read(directory: journalDirectory)?.address == newKey.address else {
            return .unused(path: pending, address: newKey?.address)
        }
        let old = try DeviceKeyFile.load(path: keyPath)
        let backup = try install(keyPath: keyPath, old: old.address)
        return .completed(Outcome(old: old.address, new: newKey.address, backup: backup, sequence: nil))
    }

    /// Removes a KEY.new that never reached the journal (`Leftover.unused`): it signed nothing.
    public static func discardUnused(_ path: String) throws {
        guard unlink(path) == 0 else { throw MeterdError.keyIO(operation: "removing", path: path, reason: String(cString: strerror(errno))) }
    }

    /// The new key file and the journal's files must stay the service user's.
    static func requireOwner(_ keyPath: String) throws {
        var info = stat()
        guard stat(keyPath, &info) == 0 else {
            if errno == ENOENT { throw MeterdError.keyMissing(path: keyPath) }
            throw MeterdError.keyIO(operation: "checking", path: keyPath, reason: String(cString: strerror(errno)))
        }
        guard info.st_uid == geteuid() else { throw MeterdError.keyNotTheOwner(path: keyPath, ownerID: info.st_uid) }
    }
}
