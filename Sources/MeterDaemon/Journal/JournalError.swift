import FoundationEssentials
import Glibc

/// Every way the journal can fail, each naming the file and what to do about it.
public enum JournalError: Error, Equatable, CustomStringConvertible {
    case io(operation: String, path: String, errno: Int32)
    case diskBudgetExceeded(directory: String, usedBytes: Int, budgetBytes: Int, unanchoredBytes: Int)
    /// fsync failed: what is on disk is unknown, so the journal accepts nothing more until reopened.
    case stopped(path: String, errno: Int32)
    case closed(directory: String)
    case invalidEntry(String)
    case notAJournal(path: String, reason: String)
    case locked(directory: String)
    /// The device key is not the key that signs the journal (and no key rotation hands it over).
    case wrongKey(directory: String, signer: String, evidence: String, key: String)

    public var description: String {
        switch self {
        case .io(let operation, let path, let code):
            var text = "\(operation) \(path) failed: \(String(cString: strerror(code))) (errno \(code))."
            switch code {
            case ENOSPC, EDQUOT:
                text += " The filesystem is full: free space there or lower the journal's retention; records not acknowledged were not written, those acknowledged are intact."
            case EACCES, EPERM:
                text += " Give the user running meterd write access to it (e.g. chown -R meterd: \(path.deletingLastPathComponent))."
            case EROFS:
                text += " The filesystem is read-only: remount it read-write or point --journal elsewhere."
            default:
                break
            }
            return text
        case .diskBudgetExceeded(let directory, let used, let budget, let unanchored):
            return "the journal in \(directory) uses \(used) bytes, over its budget of \(budget); \(unanchored) bytes are not yet anchored on chain and are never removed. New records are refused until batches are confirmed on chain or the budget is raised."
        case .stopped(let path, let code):
            return "fsync of \(path) failed (\(String(cString: strerror(code))), errno \(code)); what reached the disk is unknown, so the journal accepts nothing more. Check the storage (dmesg), then restart meterd: recovery checks every record."
        case .closed(let directory):
            return "the journal in \(directory) is closed"
        case .invalidEntry(let why):
            return "refused to journal an entry: \(why)"
        case .locked(let directory):
            return "another process (a running meterd?) has the journal in \(directory) open for writing; stop it first (systemctl stop meterd) or use a different --journal directory."
        case .wrongKey(let directory, let signer, let evidence, let key):
            return "the journal in \(directory) is signed by \(signer) (\(evidence)), but the device key is \(key); nothing was written. "
                + "Use the key file that holds \(signer)'s key (`meterd key rotate` keeps a replaced key as KEY_FILE.old-ADDRESS), "
                + "or, to give the device a new key, put that key file back and run `meterd key rotate`: it journals the change signed by both keys."
        case .notAJournal(let path, let reason):
            return "\(path) is not a meterd journal segment (\(reason)); move it out of the journal directory."
        }
    }
}
