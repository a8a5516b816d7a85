import FoundationEssentials
import Glibc

/// Reads every segment at open and decides, per the journal's rules, what to repair:
/// a torn tail of the last segment is saved aside and cut; any other damage is kept untouched and a
/// new segment is started whose first record names it; damage already named by a break is not named again.
/// The chain goes on in the last segment only when it is whole, named for its first record and continues
/// its predecessor: segments renamed or swapped on disk are named by breaks and left as they are, and the new
/// segment's name is past every name and sequence seen, so a damaged journal never keeps meterd from starting.
struct JournalRecovery {
    var writer: SegmentWriter
    var head: JournalHead
    var segments: [SegmentSummary]
    var anchoredUpTo: UInt64?
    var lastCheckpointSequence: UInt64
    var records: Int
    /// Records to append now, in order: cuts and breaks.
    var notes: [JournalPayload]
    var cuts: [JournalCut]
    var breaks: [JournalBreak]
    /// The newest record present before anything was written (for the head record check).
    var present: JournalHead
    /// The first sequence of the oldest segment, if any.
    var oldestSequence: UInt64?

    typealias ScannedSegment = (name: String, scan: SegmentScan, size: Int)

    /// Reads every segment without changing anything (what `run` repairs, and who signs the journal).
    static func scan(directory: String) throws -> [ScannedSegment] {
        var scans: [ScannedSegment] = []
        let names = try FileIO.segmentNames(in: directory)
        for (index, name) in names.enumerated() {
            let path = directory.appendingPathComponent(name)
            let bytes = try FileIO.readAll(path)
            // The chain continues from the last segment, so only it is hashed; closed segments are
            // checked for framing, checksums and sequence (`journal verify` checks them in full).
            var options = SegmentScan.Options()
            options.chain = index == names.count - 1
            options.decodeAll = false
            scans.append((name, try SegmentScan.scan(name: name, bytes: bytes, options: options), bytes.count))
        }
        return scans
    }

    /// Repairs what `scan` found. `floor`: a sequence the journal is known to have reached (the head
    /// record's): when the segments end before it, new records start after it, so no sequence number is used twice.
    static func run(directory: String, scans scanned: [ScannedSegment], now: Date, floor: UInt64 = 0) throws -> JournalRecovery {
        var scans = scanned
        var cuts: [JournalCut] = []
        // A segment whose header never reached the disk (a crash while creating it) is a torn tail too.
        if let last = scans.last, last.scan.header == nil, last.size < SegmentHeader.size,
           SegmentScan.highestValidSequence(try FileIO.readAll(path(directory, last.name)), from: 0) == nil {
            let savedAs = last.name + ".cut-0"
            guard rename(path(directory, last.name), path(directory, savedAs)) == 0 else {
                throw MeterdError.journalIO(operation: "renaming", path: path(directory, last.name), errno: errno)
            }
            try FileIO.syncDirectory(directory)
            scans.removeLast()
            let kept = scans.last?.scan.lastSequence ?? 0
            cuts.append(JournalCut(segment: last.name, offset: 0, bytesCut: UInt64(last.size), lastSequenceKept: kept, savedAs: savedAs))
        }

        // The chain continues from the last segment with a readable header: make sure it was hashed.
        if let index = scans.lastIndex(where: { $0.scan.header != nil }), !scans[index].scan.headHashKnown {
            let bytes = try FileIO.readAll(path(directory, scans[index].name))
            var options = SegmentScan.Options()
            options.decodeAll = false
            scans[index].scan = try SegmentScan.scan(name: scans[index].name, bytes: bytes, options: options)
        }

        var journaled: [String: Set<UInt64>] = [:]
        for entry in scans {
            for (segment, offsets) in entry.scan.journaledBreaks { journaled[segment, default: []].formUnion(offsets) }
        }

        var breaks: [JournalBreak] = []
        var previous: (name: String, scan: SegmentScan)?
        for (index, entry) in scans.enumerated() {
            let isLast = index == scans.count - 1
            if let problem = entry.scan.problem, !(isLast && entry.scan.tornTail) {
                if journaled[entry.name]?.contains(UInt64(problem.offset)) != true {
                    let lastGood = entry.scan.lastSequence ?? entry.scan.header.map { $0.firstSequence - 1 } ?? previous?.scan.lastSequence ?? 0
                    breaks.append(JournalBreak(segment: entry.name, offset: UInt64(problem.offset), lastGoodSequence: lastGood, detail: problem.description))
                }
            } else if let header = entry.scan.header, let misnamed = misnaming(entry.name, header), journaled[entry.name]?.contains(0) != true {
                breaks.append(JournalBreak(segment: entry.name, offset: 0, lastGoodSequence: previous?.scan.lastSequence ?? 0, detail: misnamed))
            } else if let previous, let header = entry.scan.header, inPlace(previous),
                      let reason = discontinuity(previous: previous.scan, header: header),
                      journaled[entry.name]?.contains(0) != true {
                breaks.append(JournalBreak(segment: entry.name, offset: 0, lastGoodSequence: previous.scan.lastSequence ?? 0,
                                           detail: "the chain does not continue from the previous segment: \(reason)"))
            }
            previous = (entry.name, entry.scan)
        }

        let highestSeen = (scans.compactMap { $0.scan.highestSequenceSeen ?? $0.scan.header?.firstSequence }
            + scans.compactMap { SegmentHeader.firstSequence(ofFileName: $0.name) }).max() ?? 0
        var writer: SegmentWriter
        var head: JournalHead
        let present: JournalHead
        if let last = scans.last, let header = last.scan.header, last.scan.problem == nil || last.scan.tornTail,
           (last.scan.lastSequence ?? header.firstSequence - 1) >= floor,
           misnaming(last.name, header) == nil,
           scans.dropLast().last.map({ !inPlace(($0.name, $0.scan)) || discontinuity(previous: $0.scan, header: header) == nil }) ?? true {
            head = JournalHead(sequence: last.scan.lastSequence ?? header.firstSequence - 1, hash: last.scan.headHash)
            present = head
            if last.scan.tornTail {
                let bytes = try FileIO.readAll(path(directory, last.name))
                let offset = last.scan.goodEnd
                let savedAs = "\(last.name).cut-\(offset)"
                try FileIO.writeNew(path(directory, savedAs), Array(bytes[offset...]))
                cuts.append(JournalCut(segment: last.name, offset: UInt64(offset), bytesCut: UInt64(bytes.count - offset),
                                       lastSequenceKept: head.sequence, savedAs: savedAs))
            }
            writer = try SegmentWriter.reopen(path: path(directory, last.name), goodEnd: last.scan.goodEnd)
        } else {
            // No segment, or the last one is damaged: start a new segment after everything seen.
            let chainEnd = scans.last { $0.scan.header != nil }?.scan
            let hash = chainEnd?.headHash ?? [UInt8](repeating: 0, count: 32)
            present = JournalHead(sequence: scans.compactMap { $0.scan.highestSequenceSeen ?? $0.scan.lastSequence }.max() ?? 0, hash: hash)
            guard max(highestSeen, floor) < UInt64.max - 1 else {
                throw MeterdError.notAJournal(path: directory, reason: "a record claims sequence \(max(highestSeen, floor)), the largest possible")
            }
            let first = scans.isEmpty && floor == 0 ? 1 : max(highestSeen, floor) + 1
            head = JournalHead(sequence: first - 1, hash: hash)
            writer = try SegmentWriter.create(directory: directory,
                                              header: SegmentHeader(firstSequence: first, startHash: hash, created: now))
        }

        var segments = scans.map { entry in
            SegmentSummary(name: entry.name, bytes: entry.size, firstSequence: entry.scan.firstSequence,
                           lastSequence: entry.scan.lastSequence, lastTime: entry.scan.lastTime,
                           damaged: entry.scan.problem != nil && !entry.scan.tornTail)
        }
        if segments.last?.name != writer.name {
            segments.append(SegmentSummary(name: writer.name, bytes: writer.size, firstSequence: nil, lastSequence: nil, lastTime: nil, damaged: false))
        } else {
            segments[segments.count - 1].bytes = writer.size
        }

        return JournalRecovery(
            writer: writer, head: head, segments: segments,
            anchoredUpTo: scans.compactMap(\.scan.anchoredUpTo).max(),
            lastCheckpointSequence: scans.compactMap(\.scan.lastCheckpointSequence).max() ?? 0,
            records: scans.reduce(0) { $0 + $1.scan.recordCount },
            notes: cuts.map { .journalCut($0) } + breaks.map { .journalBreak($0) },
            cuts: cuts, breaks: breaks, present: present, oldestSequence: scans.first?.scan.header?.firstSequence)
    }

    static func discontinuity(previous: SegmentScan, header: SegmentHeader) -> String? {
        let expected = (previous.lastSequence ?? previous.header.map { $0.firstSequence - 1 } ?? 0) &+ 1
        if header.firstSequence != expected { return "it starts at sequence \(header.firstSequence), \(expected) was expected" }
        if previous.headHashKnown && header.startHash != previous.headHash { return "its start hash is not the previous segment's last hash" }
        return nil
    }

    /// Whether a segment can be judged as the chain's predecessor of the next: undamaged and under its own name
    /// (the successor of a damaged or misplaced segment is not named again; the damage already is).
    static func inPlace(_ segment: (name: String, scan: SegmentScan)) -> Bool {
        guard segment.scan.problem == nil else { return false }
        return segment.scan.header.map { misnaming(segment.name, $0) == nil } ?? true
    }

    /// Why a segment's name does not fit its header (files renamed or swapped), or nil.
    static func misnaming(_ name: String, _ header: SegmentHeader) -> String? {
        let expected = SegmentHeader.fileName(firstSequence: header.firstSequence)
        guard name != expected else { return nil }
        return "the segment's header starts at sequence \(header.firstSequence), which names it \(expected): segment files were renamed or swapped"
    }

    private static func path(_ directory: String, _ name: String) -> String {
        directory.appendingPathComponent(name)
    }
}
