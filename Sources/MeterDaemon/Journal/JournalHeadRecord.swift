import ChainClient
import FoundationEssentials
import Glibc

/// The journal's head kept outside the segment files: `HEAD` in the journal directory, rewritten in
/// place after each commit that carries a checkpoint and before retention removes a segment, and
/// signed by the device key. Deleting the newest segments, or the
/// oldest ones, leaves the segments short of what it says (see `JournalHeadCheck`).
///
/// A crash may leave it one commit behind the segments, never ahead: it is written only once the
/// records it names are on disk, and it moves the oldest sequence forward before a segment goes.
struct JournalHeadRecord: Sendable, Equatable {
    static let fileName = "HEAD"
    static let magic = Array("MTRDHEAD".utf8)
    static let size = 8 + 8 + 32 + 8 + 65

    /// The newest durable record and its chain hash.
    var sequence: UInt64
    var hash: [UInt8]
    /// The oldest record the journal keeps.
    var firstSequence: UInt64
    var signature: [UInt8]

    static func signed(head: JournalHead, firstSequence: UInt64, key: PrivateKey) throws -> JournalHeadRecord {
        let digest = Self.digest(sequence: head.sequence, hash: head.hash, firstSequence: firstSequence)
        return JournalHeadRecord(sequence: head.sequence, hash: head.hash, firstSequence: firstSequence, signature: try key.sign(digest: digest).bytes)
    }

    /// The address whose key signed it, or nil when the signature is not valid.
    var signer: Address? {
        try? RecoverableSignature(bytes: signature).recoverAddress(digest: Self.digest(sequence: sequence, hash: hash, firstSequence: firstSequence))
    }

    static func digest(sequence: UInt64, hash: [UInt8], firstSequence: UInt64) -> [UInt8] {
        var out = ByteWriter()
        out.raw(Array("meterd journal head v1".utf8))
        out.u64(sequence)
        out.raw(hash)
        out.u64(firstSequence)
        return Keccak256.hash(out.bytes)
    }

    var encoded: [UInt8] {
        var out = ByteWriter()
        out.raw(Self.magic)
        out.u64(sequence)
        out.raw(hash)
        out.u64(firstSequence)
        out.raw(signature)
        return out.bytes
    }

    static func decode(_ bytes: [UInt8], path: String) throws -> JournalHeadRecord {
        guard bytes.count == size, Array(bytes.prefix(8)) == magic else {
            throw MeterdError.notAJournal(path: path, reason: "not a head record (\(bytes.count) bytes)")
        }
        var reader = ByteReader(bytes[8...])
        return JournalHeadRecord(sequence: try reader.u64(), hash: try reader.raw(32), firstSequence: try reader.u64(), signature: try reader.raw(65))
    }

    /// The directory's head record; nil when there is none.
    static func read(directory: String) throws -> JournalHeadRecord? {
        let path = directory.appendingPathComponent(fileName)
        guard access(path, F_OK) == 0 else { return nil }
        return try decode(try FileIO.readAll(path), path: path)
    }

    /// Overwritten in place (one pwrite of 121 bytes, within one sector) without an fsync: a new file
    /// renamed over the old one, or an fsync, cost a metadata commit each and cut the journal's
    /// appends per second by 40 under a checkpoint per record (BENCHMARKS.md). The page cache writes
    /// it back within seconds; a crash leaves the previous record (behind the segments: no finding).
    func write(directory: String) throws {
        let path = directory.appendingPathComponent(Self.fileName)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else { throw MeterdError.journalIO(operation: "opening", path: path, errno: errno) }
        defer { close(descriptor) }
        let bytes = encoded
        let written = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        guard written == bytes.count, ftruncate(descriptor, off_t(bytes.count)) == 0 else {
            throw MeterdError.journalIO(operation: "writing", path: path, errno: written < 0 ? errno : EIO)
        }
    }
}
