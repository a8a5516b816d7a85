import ChainClient
import Foundation
import Testing
@testable import MeterDaemon

/// The journal's signer: a device key that does not sign the journal is refused before anything is
/// written; a key rotation signed by both keys hands the journal over; any other change of signer,
/// and a rotation that does not check out, is reported with the records it concerns.
@Suite struct JournalKeyRotationTests {
    let old = JournalFixtures.key
    let new = try! PrivateKey(bytes: Hex.decode("8da4ef21b864d2cc526dbdb2a120bd2874c36c9d0a1fb7f8c63d7f7a8b41de8f"))
    let other = try! PrivateKey(bytes: Hex.decode("0dbbe8e4ae425a6d2687f1a7e3ba17bc98c673636790f1b8ad91193c05875ef1"))

    private func journal(_ directory: TemporaryDirectory, readings: Range<Int> = 0..<5) throws {
        let (journal, _) = try Journal.open(directory: directory.path, key: old, options: JournalFixtures.fastOptions)
        try journal.append(JournalFixtures.readingEntries(readings))
        try journal.close()
    }

    /// Every file's bytes, but the lock file's (its flock is the only thing opening takes).
    private func contents(_ directory: TemporaryDirectory) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name != "LOCK" {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: directory.file(name)))
        }
        return files
    }

    @Test func anotherKeyIsRefusedNamingTheFixAndWritesNothing() throws {
        let directory = TemporaryDirectory("wrong-key")
        defer { directory.remove() }
        try journal(directory)
        let before = try contents(directory)
        expectMeterdError(\.isJournalRefusal) { try Journal.open(directory: directory.path, key: other, options: JournalFixtures.fastOptions) }
        do {
            _ = try Journal.open(directory: directory.path, key: other, options: JournalFixtures.fastOptions)
        } catch let error as MeterdError {
            guard case .journal(.wrongKey(let signer, let key)) = error.code else { Issue.record("\(error)"); return }
            #expect(signer == old.address.checksummed && key == other.address.checksummed)
            #expect(error.description.contains("meterd key rotate"))
        }
        #expect(try contents(directory) == before, "nothing written with the wrong key")
        // The head record alone names the signer when the segments are gone.
        for segment in JournalFixtures.segments(directory) { try FileManager.default.removeItem(atPath: directory.file(segment)) }
        expectMeterdError(\.isJournalRefusal) { try Journal.open(directory: directory.path, key: other, options: JournalFixtures.fastOptions) }
    }

    @Test func aRotationHandsTheJournalToTheNewKeyAndVerifiesAcrossIt() throws {
        let directory = TemporaryDirectory("rotation")
        defer { directory.remove() }
        try journal(directory)
        let (first, _) = try Journal.open(directory: directory.path, key: old, options: JournalFixtures.fastOptions)
        let sequence = try first.rotateKey(to: new)
        #expect(first.address == new.address)
        try first.append(JournalFixtures.readingEntries(5..<8))
        try first.close()

        let (second, report) = try Journal.open(directory: directory.path, key: new, options: JournalFixtures.fastOptions)
        #expect(report.isClean && report.signerProblems.isEmpty, "\(report)")
        try second.append(JournalFixtures.readingEntries(8..<10))
        try second.close()
        expectMeterdError(\.isJournalRefusal) { try Journal.open(directory: directory.path, key: old, options: JournalFixtures.fastOptions) }

        let verification = try JournalVerifier.verify(directory: directory.path, signer: new.address)
        #expect(verification.isValid, "\(verification.problems)")
        #expect(verification.keyRotations == [KeyHandover(sequence: sequence, old: old.address, new: new.address)])
        let asOld = try JournalVerifier.verify(directory: directory.path, signer: old.address)
        #expect(asOld.problems.first?.kind == .signature(expected: old.address.checksummed, found: new.address.checksummed))
        #expect(asOld.problems.first?.sequence == sequence, "the new key's records start at the rotation")
    }

    @Test func aHeadRecordLeftBehindByACrashBeforeTheRotationIsTheOldKeysAndTrusted() throws {
        let directory = TemporaryDirectory("rotation-head")
        defer { directory.remove() }
        try journal(directory)
        let stale = try Data(contentsOf: URL(fileURLWithPath: directory.file(JournalHeadRecord.fileName)))
        let (journal, _) = try Journal.open(directory: directory.path, key: old, options: JournalFixtures.fastOptions)
        try journal.rotateKey(to: new)
        try journal.close()
        // A crash before the page cache wrote the new key's head record back.
        try stale.write(to: URL(fileURLWithPath: directory.file(JournalHeadRecord.fileName)))
        let verification = try JournalVerifier.verify(directory: directory.path, signer: new.address)
        #expect(verification.isValid && verification.headFindings.isEmpty, "\(verification.problems) \(verification.headFindings)")
        let (reopened, report) = try Journal.open(directory: directory.path, key: new, options: JournalFixtures.fastOptions)
        try reopened.close()
        #expect(report.isClean, "\(report)")
    }

    @Test func aChangeOfSignerWithoutARotationIsReportedWithItsRecords() throws {
        let directory = TemporaryDirectory("unrotated")
        defer { directory.remove() }
        var forger = try SegmentForger(directory)
        try forger.readings(3)
        let oldCheckpoint = try forger.checkpoint(by: old)
        try forger.readings(2)
        let newCheckpoint = try forger.checkpoint(by: new)
        let verification = try JournalVerifier.verify(directory: directory.path, signer: new.address)
        #expect(verification.problems.map(\.kind) == [.signerChanged(from: old.address.checksummed, to: new.address.checksummed, lastSigned: oldCheckpoint)])
        #expect(verification.problems.first?.sequence == newCheckpoint)
        #expect(verification.problems.first?.description.contains("up to \(oldCheckpoint) are signed by \(old.address.checksummed)") == true)
        // The newest signer is the journal's at start: the old key is refused (opening looks at the newest
        // checkpoint and the rotations only; `journal verify` finds the change).
        expectMeterdError(\.isJournalRefusal) { try Journal.open(directory: directory.path, key: old, options: JournalFixtures.fastOptions) }
    }

    func rotationDigest(_ head: JournalHead) -> [UInt8] {
        KeyRotation.digest(sequence: head.sequence, headHash: head.hash, old: old.address, new: new.address)
    }

    /// Three readings and a checkpoint signed by the old key, then a rotation to the new key with the
    /// signatures `signatures` makes for the head it follows, as someone without both keys could forge.
    func forgeRotation(_ directory: TemporaryDirectory,
                       signatures: (JournalHead) throws -> (old: [UInt8], new: [UInt8])) throws -> (SegmentForger, rotation: UInt64) {
        var forger = try SegmentForger(directory)
        try forger.readings(3)
        try forger.checkpoint(by: old)
        let head = forger.head
        let signed = try signatures(head)
        let rotation = try forger.add(.keyRotation(KeyRotation(headHash: head.hash, oldAddress: old.address, newAddress: new.address,
                                                               oldSignature: signed.old, newSignature: signed.new)))
        return (forger, rotation)
    }

    @Test func aRotationSignedOnlyByTheNewKeyIsForged() throws {
        let directory = TemporaryDirectory("forged-new-only")
        defer { directory.remove() }
        var (forger, rotation) = try forgeRotation(directory) { head in
            let byNew = try new.sign(digest: rotationDigest(head)).bytes
            return (old: byNew, new: byNew)
        }
        try forger.readings(2)
        let newCheckpoint = try forger.checkpoint(by: new)
        let verification = try JournalVerifier.verify(directory: directory.path, signer: new.address)
        #expect(verification.keyRotations.isEmpty)
        #expect(verification.problems.map(\.sequence) == [rotation, newCheckpoint], "\(verification.problems)")
        #expect(verification.problems.first?.kind == .keyRotation("the old key's signature is by \(new.address.checksummed), not \(old.address.checksummed)"))
        guard case .signerChanged = verification.problems.last?.kind else { Issue.record("\(verification.problems)"); return }
        // At start the forged rotation does not hand over: the new key opens (it signs the newest
        // records), and the forged rotation is reported.
        let (journal, report) = try Journal.open(directory: directory.path, key: new, options: JournalFixtures.fastOptions)
        try journal.close()
        #expect(report.signerProblems.map(\.sequence).contains(rotation), "\(report.signerProblems)")
    }

    @Test func aRotationWhoseOldSignatureIsWrongIsForged() throws {
        let directory = TemporaryDirectory("forged-old-wrong")
        defer { directory.remove() }
        var (forger, rotation) = try forgeRotation(directory) { head in
            // The old key's signature from another place in the chain: replayed, it does not sign this one.
            let replayed = try old.sign(digest: rotationDigest(JournalHead(sequence: head.sequence - 1, hash: head.hash))).bytes
            return (old: replayed, new: try new.sign(digest: rotationDigest(head)).bytes)
        }
        try forger.checkpoint(by: new)
        let verification = try JournalVerifier.verify(directory: directory.path, signer: new.address)
        #expect(verification.problems.first?.sequence == rotation)
        guard case .keyRotation(let why) = verification.problems.first?.kind else { Issue.record("\(verification.problems)"); return }
        #expect(why.hasPrefix("the old key's signature is by ") && why.hasSuffix("not \(old.address.checksummed)"))
    }

    @Test func aRotationFromAKeyThatDidNotSignTheJournalIsReported() throws {
        let directory = TemporaryDirectory("rotation-from-other")
        defer { directory.remove() }
        var forger = try SegmentForger(directory)
        try forger.readings(2)
        let oldCheckpoint = try forger.checkpoint(by: old)
        let head = forger.head
        let rotation = try forger.add(.keyRotation(try KeyRotation.signed(after: head, old: other, new: new)))
        try forger.checkpoint(by: new)
        let verification = try JournalVerifier.verify(directory: directory.path, signer: new.address)
        #expect(verification.problems.first?.sequence == rotation)
        #expect(verification.problems.first?.kind == .keyRotation("it hands over from \(other.address.checksummed), but the records up to \(oldCheckpoint) are signed by \(old.address.checksummed)"))
    }
}

/// Writes a segment record by record with any key, as someone with the disk but not the device key could.
struct SegmentForger {
    private let writer: SegmentWriter
    private(set) var head = JournalHead(sequence: 0, hash: [UInt8](repeating: 0, count: 32))
    private var index = 0

    init(_ directory: TemporaryDirectory) throws {
        writer = try SegmentWriter.create(directory: directory.path, header: SegmentHeader(firstSequence: 1, startHash: head.hash, created: JournalFixtures.base))
    }

    @discardableResult
    mutating func add(_ payload: JournalPayload) throws -> UInt64 {
        let body = RecordFrame.body(kind: payload.kind, sequence: head.sequence + 1, time: JournalFixtures.base.addingTimeInterval(Double(index)),
                                    clockSynchronised: true, payload: try PayloadCodec.encode(payload))
        head = JournalHead(sequence: head.sequence + 1, hash: RecordFrame.chainHash(previous: head.hash, body: body[...]))
        try writer.append(RecordFrame.frame(body: body))
        index += 1
        return head.sequence
    }

    mutating func readings(_ count: Int) throws {
        for _ in 0..<count { try add(.reading(JournalFixtures.reading(index))) }
    }

    @discardableResult
    mutating func checkpoint(by key: PrivateKey) throws -> UInt64 {
        let signature = try key.sign(digest: RecordFrame.checkpointDigest(sequence: head.sequence, headHash: head.hash)).bytes
        return try add(.checkpoint(Checkpoint(headHash: head.hash, signature: signature)))
    }
}
