import ChainClient
import FoundationEssentials

/// Which key signs the journal now, and what says so: its newest signed record (a checkpoint, or a
/// key rotation's new key), or the head record when that reaches further (the newest segments gone).
/// Found before anything is written, so a device key that is not the journal's signs nothing.
struct JournalSigner: Sendable, Equatable {
    var address: Address
    var evidence: String

    /// From the segments as `JournalRecovery.scan` read them and the head record; with the trail of
    /// signers through the key rotations.
    static func find(scans: [JournalRecovery.ScannedSegment], headRecord: JournalHeadRecord?) -> (signer: JournalSigner?, trail: SignerTrail) {
        var trail = SignerTrail()
        let milestones = scans.flatMap { segment in segment.scan.signedMilestones.map { (segment.name, $0.record, $0.offset) } }
        for (index, (segment, record, offset)) in milestones.enumerated() {
            // Of checkpoints in a row only the last tells who signs (one signature recovered, not one per segment).
            if case .checkpoint = record.payload, index + 1 < milestones.count, case .checkpoint = milestones[index + 1].1.payload { continue }
            trail.note(record, segment: segment, offset: offset)
        }
        if let head = headRecord, head.sequence > (trail.lastSignedSequence ?? 0), let address = head.signer {
            return (JournalSigner(address: address, evidence: "its head record, at record \(head.sequence)"), trail)
        }
        guard let address = trail.current, let sequence = trail.lastSignedSequence else { return (nil, trail) }
        return (JournalSigner(address: address, evidence: "its newest signed record, \(sequence)"), trail)
    }

    /// Who signs the journal in `directory`, without changing it; nil for a journal with no signed record (or none at all).
    static func read(directory: String) throws -> JournalSigner? {
        guard FileManager.default.fileExists(atPath: directory) else { return nil }
        let head = try JournalHeadRecord.read(directory: directory)
        return find(scans: try JournalRecovery.scan(directory: directory), headRecord: head).signer
    }
}
