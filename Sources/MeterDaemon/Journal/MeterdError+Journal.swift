import FoundationEssentials
import Glibc

/// The journal's errors, each naming the file and what to do about it.
extension MeterdError {
    static func journalIO(operation: String, path: String, errno code: Int32) -> MeterdError {
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
        return MeterdError(.journal(.io(path: path, errno: code)), text)
    }

    static func diskBudgetExceeded(directory: String, usedBytes: Int, budgetBytes: Int, unanchoredBytes: Int) -> MeterdError {
        MeterdError(.journal(.diskBudgetExceeded),
                    "the journal in \(directory) uses \(usedBytes) bytes, over its budget of \(budgetBytes); \(unanchoredBytes) bytes are not yet anchored on chain and are never removed. New records are refused until batches are confirmed on chain or the budget is raised.")
    }

    /// fsync failed: what is on disk is unknown, so the journal accepts nothing more until reopened.
    static func journalStopped(path: String, errno code: Int32) -> MeterdError {
        MeterdError(.journal(.stopped(errno: code)),
                    "fsync of \(path) failed (\(String(cString: strerror(code))), errno \(code)); what reached the disk is unknown, so the journal accepts nothing more. Check the storage (dmesg), then restart meterd: recovery checks every record.")
    }

    static func journalClosed(directory: String) -> MeterdError {
        MeterdError(.journal(.closed), "the journal in \(directory) is closed")
    }

    static func invalidEntry(_ why: String) -> MeterdError {
        MeterdError(.journal(.invalidEntry), "refused to journal an entry: \(why)")
    }

    static func notAJournal(path: String, reason: String) -> MeterdError {
        MeterdError(.journal(.notAJournal), "\(path) is not a meterd journal segment (\(reason)); move it out of the journal directory.")
    }

    static func journalLocked(directory: String) -> MeterdError {
        MeterdError(.journal(.locked),
                    "another process (a running meterd?) has the journal in \(directory) open for writing; stop it first (systemctl stop meterd) or use a different --journal directory.")
    }

    /// The device key is not the key that signs the journal (and no key rotation hands it over).
    static func wrongKey(directory: String, signer: String, evidence: String, key: String) -> MeterdError {
        MeterdError(.journal(.wrongKey(signer: signer, key: key)),
                    "the journal in \(directory) is signed by \(signer) (\(evidence)), but the device key is \(key); nothing was written. "
                        + "Use the key file that holds \(signer)'s key (`meterd key rotate` keeps a replaced key as KEY_FILE.old-ADDRESS), "
                        + "or, to give the device a new key, put that key file back and run `meterd key rotate`: it journals the change signed by both keys.")
    }

    /// A segment that a follower of the journal cannot read past.
    static func journalDamaged(segment: String, offset: Int) -> MeterdError {
        MeterdError(.journal(.damaged), "journal segment \(segment) is damaged at byte \(offset): its later records cannot be followed")
    }
}

/// What decoding a segment finds wrong; the journal reports it as damage in the segment.
extension MeterdError {
    static let truncated = MeterdError(.journal(.truncated), "the data ends in the middle of a field")
    static let overlongVarint = MeterdError(.journal(.overlongVarint), "a variable-length integer is longer than 64 bits")
    static let invalidUTF8 = MeterdError(.journal(.invalidUTF8), "text that is not UTF-8")

    static func unknownRecordKind(_ byte: UInt8) -> MeterdError {
        MeterdError(.journal(.unknownRecordKind), "unknown record type \(byte)")
    }

    static func unknownQuantity(_ bit: Int) -> MeterdError {
        MeterdError(.journal(.unknownQuantity), "unknown quantity code \(bit)")
    }

    static func malformedPayload(_ kind: RecordKind, _ why: String) -> MeterdError {
        MeterdError(.journal(.malformedPayload), "malformed \(kind.name) payload: \(why)")
    }

    static func trailingBytes(_ kind: RecordKind, _ count: Int) -> MeterdError {
        MeterdError(.journal(.trailingBytes), "\(count) unexpected bytes after a \(kind.name) payload")
    }

    static func segmentHeaderTooShort(_ count: Int) -> MeterdError {
        MeterdError(.journal(.segmentHeaderTooShort), "the segment header is incomplete (\(count) of \(SegmentHeader.size) bytes)")
    }

    static let notASegment = MeterdError(.journal(.notASegment), "the file does not start with the journal's magic bytes")

    static func unsupportedSegmentVersion(_ version: UInt32) -> MeterdError {
        MeterdError(.journal(.unsupportedSegmentVersion),
                    "segment format version \(version) is newer than this meterd understands (\(SegmentHeader.formatVersion))")
    }

    static let segmentHeaderChecksum = MeterdError(.journal(.segmentHeaderChecksum), "the segment header fails its checksum")

    static func badFirstSequence(_ sequence: UInt64) -> MeterdError {
        MeterdError(.journal(.badFirstSequence), "the segment header names first sequence \(sequence); sequences run from 1 to 2^64-2")
    }
}
