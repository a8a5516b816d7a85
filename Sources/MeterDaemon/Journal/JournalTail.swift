import FoundationEssentials
import Glibc

/// Follows a journal's records as they are written: each read returns the whole records after the
/// cursor, reading only the bytes it has not read before (a segment holds a day at 1 Hz, too much
/// to read again every few seconds). What the batch submitter takes its closed slots from.
///
/// Records up to the journal's head are complete in their files (the journal writes them before it
/// moves its head), so a frame cut short is one still being written: it is read next time. A segment
/// that has a newer one beside it is finished, and one that retention removed is passed over.
struct JournalTail {
    let directory: String
    let kinds: Set<RecordKind>
    /// The segment being read and the byte where its next frame starts; nil before the first read.
    private(set) var segment: String?
    private var offset = SegmentHeader.size

    /// Positioned at the start of `segment`, or of the oldest segment when nil.
    init(directory: String, kinds: Set<RecordKind>, segment: String? = nil) {
        self.directory = directory
        self.kinds = kinds
        self.segment = segment
    }

    /// The records of `kinds` after the cursor, through sequence `head`.
    mutating func read(through head: UInt64) throws -> [JournalRecord] {
        var records: [JournalRecord] = []
        while true {
            if try readSegment(through: head, into: &records) { return records }
            guard let current = segment, let next = try FileIO.segmentNames(in: directory).first(where: { $0 > current }) else { return records }
            // The current segment was finished before the next was made: what it gained since the read above is read now.
            if try readSegment(through: head, into: &records) { return records }
            segment = next
            offset = SegmentHeader.size
        }
    }

    /// The records of `kinds` in the rest of the current segment alone.
    mutating func readSegment() throws -> [JournalRecord] {
        var records: [JournalRecord] = []
        _ = try readSegment(through: .max, into: &records)
        return records
    }

    /// The records of the current segment from the cursor on (through `head`); true when `head` was reached.
    private mutating func readSegment(through head: UInt64, into records: inout [JournalRecord]) throws -> Bool {
        if segment == nil { segment = try FileIO.segmentNames(in: directory).first }
        guard let segment else { return true }
        let bytes: [UInt8]
        do { bytes = try FileIO.read(directory.appendingPathComponent(segment), from: offset) } catch {
            guard case .journal(.io(_, ENOENT))? = (error as? MeterdError)?.code else { throw error }
            return false
        }
        var position = 0
        defer { offset += position }
        while position < bytes.count {
            switch RecordFrame.parse(bytes, at: position) {
            case .incomplete:
                return false
            case .badLength, .badChecksum:
                throw MeterdError.journalDamaged(segment: segment, offset: offset + position)
            case .frame(let bodyRange, let end):
                let parts: RecordFrame.Body
                do { parts = try RecordFrame.splitBody(bytes[bodyRange]) } catch { throw MeterdError.journalDamaged(segment: segment, offset: offset + position) }
                guard parts.sequence <= head else { return true }
                if let kind = RecordKind(rawValue: parts.kind), kinds.contains(kind) {
                    records.append(try RecordFrame.decode(bytes[bodyRange], hash: []))
                }
                position = end
            }
        }
        return false
    }
}
