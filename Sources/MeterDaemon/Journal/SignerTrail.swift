import ChainClient

/// A valid key rotation: from record `sequence` on, `new` signs the journal instead of `old`.
public struct KeyHandover: Sendable, Equatable {
    public var sequence: UInt64
    public var old: Address
    public var new: Address
}

/// Who signs the journal, followed record by record: the key of its checkpoints, which may change
/// only at a key-rotation record signed by both keys whose old key is the signer before it. Any other
/// change of signer, and any rotation that does not check out, is a problem naming the records.
///
/// `journal verify` feeds it every checkpoint and rotation; opening the journal feeds it only the
/// last checkpoint before each rotation, the rotations and the newest signed record (`SegmentScan.signedMilestones`).
struct SignerTrail {
    struct Place {
        var segment: String
        var offset: Int
        var sequence: UInt64
    }

    /// The signer of the newest signed record so far.
    private(set) var current: Address?
    /// Where `current` took over: its first signed record after the last change.
    private(set) var currentSince: Place?
    private(set) var lastSignedSequence: UInt64?
    private(set) var problems: [ScanProblem] = []
    /// The valid rotations, in chain order.
    private(set) var rotations: [KeyHandover] = []

    mutating func note(_ record: JournalRecord, segment: String, offset: Int) {
        let place = Place(segment: segment, offset: offset, sequence: record.sequence)
        switch record.payload {
        case .checkpoint(let checkpoint):
            let digest = RecordFrame.checkpointDigest(sequence: record.sequence &- 1, headHash: checkpoint.headHash)
            guard let found = try? RecoverableSignature(bytes: checkpoint.signature).recoverAddress(digest: digest) else {
                report(place, .signature(expected: current?.checksummed ?? "the journal's key", found: nil))
                return
            }
            if let current, found != current {
                report(place, .signerChanged(from: current.checksummed, to: found.checksummed, lastSigned: lastSignedSequence ?? 0))
            }
            take(found, at: place)
        case .keyRotation(let rotation):
            if let why = rotation.signatureProblem(sequence: record.sequence) {
                report(place, .keyRotation(why))
            } else if let current, current != rotation.oldAddress {
                report(place, .keyRotation("it hands over from \(rotation.oldAddress.checksummed), but the records up to "
                                           + "\(lastSignedSequence ?? 0) are signed by \(current.checksummed)"))
            } else {
                rotations.append(KeyHandover(sequence: record.sequence, old: rotation.oldAddress, new: rotation.newAddress))
                take(rotation.newAddress, at: place)
            }
        default:
            return
        }
    }

    /// The problem when the journal's signer at its end is not `expected` (placed where that signer took over).
    func mismatch(expected: Address) -> ScanProblem? {
        guard let current, current != expected, let since = currentSince else { return nil }
        return ScanProblem(segment: since.segment, offset: since.offset, sequence: since.sequence,
                           kind: .signature(expected: expected.checksummed, found: current.checksummed))
    }

    /// The key in force at `sequence` for a journal signed by `final` at its end: the old key of every
    /// valid rotation after it.
    func signer(at sequence: UInt64, final: Address) -> Address {
        rotations.reversed().reduce(final) { key, rotation in rotation.sequence > sequence ? rotation.old : key }
    }

    private mutating func take(_ signer: Address, at place: Place) {
        if signer != current {
            current = signer
            currentSince = place
        }
        lastSignedSequence = place.sequence
    }

    private mutating func report(_ place: Place, _ kind: ScanProblem.Kind) {
        problems.append(ScanProblem(segment: place.segment, offset: place.offset, sequence: place.sequence, kind: kind))
    }
}
