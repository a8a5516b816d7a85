import Foundation
import Testing
@testable import MeterDaemon

/// The batch submitter's cursor in the journal: whole records, read once each, across segments.
@Suite struct JournalTailTests {
    static func slotEntry(_ index: UInt64) -> JournalEntry {
        JournalEntry(time: JournalFixtures.base.addingTimeInterval(Double(index) * 900),
                     payload: .slotClosed(SlotClosed(slotIndex: index, slotStart: JournalFixtures.base.addingTimeInterval(Double(index) * 900),
                                                     consumptionWattHours: Int64(index) * 10)))
    }

    /// Ten readings then a closed slot, `slots` times, in segments of 1,500 bytes (several slots a segment).
    static func journal(slots: Range<UInt64>, in directory: TemporaryDirectory) throws -> Journal {
        let (journal, _) = try Journal.open(directory: directory.path, key: JournalFixtures.key, options: JournalFixtures.segmentedOptions)
        for slot in slots { try append(slot, to: journal) }
        return journal
    }

    static func append(_ slot: UInt64, to journal: Journal) throws {
        try journal.append(JournalFixtures.readingEntries(Int(slot) * 10..<Int(slot) * 10 + 10) + [slotEntry(slot)])
    }

    static func slotIndexes(_ records: [JournalRecord]) -> [UInt64] {
        records.compactMap { if case .slotClosed(let slot) = $0.payload { slot.slotIndex } else { nil } }
    }

    @Test func readsEveryRecordOfItsKindsOnceAcrossSegmentsAsTheyAreWritten() throws {
        let directory = TemporaryDirectory("tail")
        defer { directory.remove() }
        let journal = try Self.journal(slots: 0..<12, in: directory)
        defer { try? journal.close() }
        #expect(try journal.reader.segmentNames().count >= 6)
        var tail = JournalTail(directory: directory.path, kinds: [.slotClosed])
        #expect(Self.slotIndexes(try tail.read(through: journal.head.sequence)) == Array(0..<12))
        #expect(try tail.read(through: journal.head.sequence).isEmpty)
        for slot in UInt64(12)..<20 { try Self.append(slot, to: journal) }
        #expect(Self.slotIndexes(try tail.read(through: journal.head.sequence)) == Array(12..<20))
    }

    @Test func stopsAtTheHeadItIsGivenAndAtAFrameStillBeingWritten() throws {
        let directory = TemporaryDirectory("tail")
        defer { directory.remove() }
        let journal = try Self.journal(slots: 0..<3, in: directory)
        try journal.close()
        var tail = JournalTail(directory: directory.path, kinds: [.slotClosed])
        let slotOne = try journal.reader.records(RecordFilter(kinds: [.slotClosed]))[1].sequence
        #expect(Self.slotIndexes(try tail.read(through: slotOne)) == [0, 1])
        // Half a frame at the end, as a writer leaves it between two write calls.
        let newest = try #require(try journal.reader.segmentNames().last)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: directory.file(newest)))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([0x40, 0, 0, 0, 1, 2]))
        try handle.close()
        #expect(Self.slotIndexes(try tail.read(through: .max)) == [2])
    }

    @Test func aSegmentRetentionRemovedIsPassedOver() throws {
        let directory = TemporaryDirectory("tail")
        defer { directory.remove() }
        let journal = try Self.journal(slots: 0..<8, in: directory)
        try journal.close()
        let names = try journal.reader.segmentNames()
        var tail = JournalTail(directory: directory.path, kinds: [.slotClosed], segment: names[0])
        try FileManager.default.removeItem(atPath: directory.file(names[0]))
        let read = Self.slotIndexes(try tail.read(through: .max))
        #expect(read.last == 7 && read == Array(read.first!...7) && read.first! > 0)
    }

    @Test func aDamagedFrameIsAnErrorThatNamesTheSegment() throws {
        let directory = TemporaryDirectory("tail")
        defer { directory.remove() }
        let journal = try Self.journal(slots: 0..<2, in: directory)
        try journal.close()
        let first = try journal.reader.segmentNames()[0]
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: directory.file(first))))
        bytes[SegmentHeader.size + 9] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: directory.file(first)))
        var tail = JournalTail(directory: directory.path, kinds: [.slotClosed])
        expectMeterdError({ $0.code == .journal(.damaged) }) { try tail.read(through: .max) }
    }

    @Test func theSlotFeedFindsSlotsOlderThanTheNewestSegmentsAfterALongOutage() throws {
        let directory = TemporaryDirectory("tail")
        defer { directory.remove() }
        let journal = try Self.journal(slots: 0..<40, in: directory)
        defer { try? journal.close() }
        #expect(try journal.reader.segmentNames().count > 10)
        var feed = ClosedSlotFeed(journal: journal)
        let first = try feed.newSlots(from: 5).map(\.slot.slotIndex)
        #expect(first.filter { $0 >= 5 } == Array(5..<40))
        #expect(first.count < 40, "read from the segment that closed slot 5, not from the oldest")
        try Self.append(40, to: journal)
        #expect(try feed.newSlots(from: 5).map(\.slot.slotIndex) == [40])
        // The contract went back (a reorganisation): read again from the slot it expects.
        #expect(try feed.newSlots(from: 2).map(\.slot.slotIndex).filter { $0 >= 2 } == Array(2...40))
    }
}
