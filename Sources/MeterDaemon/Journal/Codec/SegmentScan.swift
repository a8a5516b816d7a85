import FoundationEssentials

/// A problem found in one segment: where it is and which sequence number was expected there.
public struct ScanProblem: Sendable, Equatable, CustomStringConvertible {
    enum Kind: Sendable, Equatable {
        case header(String)
        case incompleteFrame
        case badLength(UInt32)
        case badChecksum
        case undecodable(String)
        case sequence(expected: UInt64, found: UInt64)
        case checkpointHash
        case signature(expected: String, found: String?)
        /// A checkpoint signed by another key than the records before it, with no valid rotation between.
        case signerChanged(from: String, to: String, lastSigned: UInt64)
        /// A key-rotation record that does not hand the journal over (a signature, or its old key, is wrong).
        case keyRotation(String)
        case chainDiscontinuity(String)
        /// The segments fall short of the head record (rolled back, truncated at the front) or it is not the device's.
        case headRecord(JournalHeadFinding)
    }

    var segment: String
    var offset: Int
    var sequence: UInt64
    var kind: Kind

    public var description: String {
        let what: String
        switch kind {
        case .header(let why): what = "bad segment header: \(why)"
        case .incompleteFrame: what = "the record is cut short (its length runs past the end of the file)"
        case .badLength(let length): what = "implausible record length \(length)"
        case .badChecksum: what = "CRC-32C mismatch: the record's bytes were altered"
        case .undecodable(let why): what = "the record cannot be decoded: \(why)"
        case .sequence(let expected, let found): what = "sequence \(found) where \(expected) was expected"
        case .checkpointHash: what = "the checkpoint (or key rotation) names a chain head that is not the previous record's hash"
        case .signature(let expected, let found):
            what = "checkpoint signature is by \(found ?? "no valid key"), not \(expected)"
        case .signerChanged(let from, let to, let lastSigned):
            what = "the checkpoint is signed by \(to), but the records up to \(lastSigned) are signed by \(from) "
                + "and no valid key rotation lies between them: the device key changed without `meterd key rotate`"
        case .keyRotation(let why): what = "the key rotation is not valid: \(why)"
        case .chainDiscontinuity(let why): what = "the chain does not continue from the previous segment: \(why)"
        case .headRecord(let finding): what = finding.description
        }
        return "\(segment) at byte \(offset), sequence \(sequence): \(what)"
    }
}

/// Reads one segment's bytes: framing, checksums, sequence, chain and (optionally) checkpoint
/// signatures. Pure: bytes in, facts out; the caller decides what to do about a problem.
struct SegmentScan {
    var header: SegmentHeader?
    /// Offset just past the last good frame: where appending would continue.
    var goodEnd: Int
    var firstSequence: UInt64?
    var lastSequence: UInt64?
    var lastTime: Date?
    var recordCount = 0
    var headHash: [UInt8]
    var headHashKnown = true
    var lastCheckpointSequence: UInt64?
    var lastCheckpointTime: Date?
    var anchoredUpTo: UInt64?
    /// What tells who signs the segment, cheaply: the last checkpoint before each key rotation, the
    /// rotations, and the newest checkpoint (see `SignerTrail`).
    var signedMilestones: [(record: JournalRecord, offset: Int)] = []
    /// Breaks this segment's records already report, as (segment, offset).
    var journaledBreaks: [String: Set<UInt64>] = [:]
    var problem: ScanProblem?
    /// The problem is a torn tail (see `classifyTail`): nothing valid follows it.
    var tornTail = false
    /// The highest sequence number in any valid frame, including frames found after damage.
    var highestSequenceSeen: UInt64?

    struct Options {
        /// False: do not compute chain hashes (`headHash` is then unknown). Opening uses it for
        /// closed segments, which `journal verify` checks in full.
        var chain = true
        /// False: decode only the payloads the journal's state needs (anchors, breaks, checkpoints);
        /// the others are checked for framing, checksum and sequence. `onRecord` sees only decoded ones.
        var decodeAll = true
        /// Called for every record decoded before the first problem.
        var onRecord: ((JournalRecord, _ offset: Int) throws -> Void)?
    }

    static func scan(name: String, bytes: [UInt8], options: Options = Options()) throws -> SegmentScan {
        var result = SegmentScan(goodEnd: 0, headHash: [UInt8](repeating: 0, count: 32))
        let header: SegmentHeader
        do {
            header = try SegmentHeader.decode(bytes)
        } catch {
            result.problem = ScanProblem(segment: name, offset: 0, sequence: 0, kind: .header("\(error)"))
            result.highestSequenceSeen = highestValidSequence(bytes, from: 0)
            return result
        }
        result.header = header
        result.headHash = header.startHash
        result.headHashKnown = options.chain
        var offset = SegmentHeader.size
        result.goodEnd = offset
        var expected = header.firstSequence
        while offset < bytes.count {
            var failure: ScanProblem.Kind?
            switch RecordFrame.parse(bytes, at: offset) {
            case .incomplete: failure = .incompleteFrame
            case .badLength(let length): failure = .badLength(length)
            case .badChecksum: failure = .badChecksum
            case .frame(let bodyRange, let end):
                let body = bytes[bodyRange]
                guard let parts = try? RecordFrame.splitBody(body) else {
                    failure = .undecodable("the record header is cut short")
                    break
                }
                guard parts.sequence == expected else {
                    failure = .sequence(expected: expected, found: parts.sequence)
                    break
                }
                let hash = options.chain ? RecordFrame.chainHash(previous: result.headHash, body: body) : []
                if options.decodeAll || Self.kindsNeededForState.contains(parts.kind) {
                    let record: JournalRecord
                    do {
                        record = try RecordFrame.decode(body, hash: hash)
                    } catch {
                        failure = .undecodable(String(describing: error))
                        break
                    }
                    if options.chain, let problem = check(record, previousHash: result.headHash) {
                        failure = problem
                        break
                    }
                    try options.onRecord?(record, offset)
                    result.note(record, offset: offset)
                } else {
                    result.noteLight(sequence: parts.sequence, time: parts.time)
                }
                if options.chain { result.headHash = hash }
                result.goodEnd = end
                expected &+= 1
                offset = end
                continue
            }
            result.problem = ScanProblem(segment: name, offset: offset, sequence: expected, kind: failure!)
            let later = highestValidSequence(bytes, from: offset + 1)
            result.highestSequenceSeen = [result.lastSequence, later].compactMap { $0 }.max()
            result.tornTail = later == nil && classifyTail(bytes, at: offset)
            return result
        }
        result.highestSequenceSeen = result.lastSequence
        return result
    }

    static let kindsNeededForState: Set<UInt8> = [RecordKind.anchored.rawValue, RecordKind.journalBreak.rawValue, RecordKind.checkpoint.rawValue,
                                                  RecordKind.keyRotation.rawValue]

    private mutating func noteLight(sequence: UInt64, time: Date) {
        if firstSequence == nil { firstSequence = sequence }
        lastSequence = sequence
        lastTime = time
        recordCount += 1
    }

    private mutating func note(_ record: JournalRecord, offset: Int) {
        if firstSequence == nil { firstSequence = record.sequence }
        lastSequence = record.sequence
        lastTime = record.time
        recordCount += 1
        switch record.payload {
        case .checkpoint:
            lastCheckpointSequence = record.sequence
            lastCheckpointTime = record.time
            if case .checkpoint = signedMilestones.last?.record.payload { signedMilestones.removeLast() }
            signedMilestones.append((record, offset))
        case .keyRotation:
            signedMilestones.append((record, offset))
        case .anchored(let anchor):
            anchoredUpTo = max(anchoredUpTo ?? 0, anchor.sequence)
        case .journalBreak(let damage):
            journaledBreaks[damage.segment, default: []].insert(damage.offset)
        default:
            break
        }
    }

    /// A checkpoint or key rotation must name the previous record's hash (their signatures are `SignerTrail`'s).
    private static func check(_ record: JournalRecord, previousHash: [UInt8]) -> ScanProblem.Kind? {
        switch record.payload {
        case .checkpoint(let checkpoint): return checkpoint.headHash == previousHash ? nil : .checkpointHash
        case .keyRotation(let rotation): return rotation.headHash == previousHash ? nil : .checkpointHash
        default: return nil
        }
    }

    /// A failure at `offset` with nothing valid after it is a torn write unless it is a whole frame
    /// that ends in a non-zero byte and fails only its checksum: that is a flipped bit in a record
    /// that was completely written, i.e. damage, which is never cut.
    static func classifyTail(_ bytes: [UInt8], at offset: Int) -> Bool {
        if case .badChecksum = RecordFrame.parse(bytes, at: offset), bytes.last != 0 { return false }
        return true
    }

    /// The highest sequence number of any checksummed frame at or after `start` (resynchronising byte
    /// by byte), so a new segment after damage never reuses a sequence number.
    static func highestValidSequence(_ bytes: [UInt8], from start: Int) -> UInt64? {
        var highest: UInt64?
        var offset = max(start, 0)
        while offset + RecordFrame.prefixSize + RecordFrame.bodyHeaderSize <= bytes.count {
            if case .frame(let bodyRange, let end) = RecordFrame.parse(bytes, at: offset),
               let parts = try? RecordFrame.splitBody(bytes[bodyRange]) {
                highest = max(highest ?? 0, parts.sequence)
                offset = end
            } else {
                offset += 1
            }
        }
        return highest
    }
}
