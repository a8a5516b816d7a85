// One record body (kind, flags, sequence, time, payload) as the journal decodes it, past its frame's
// checksum. Properties, for records dated as the journal writes them (1970 to 2100: in that range a
// microsecond timestamp survives Date exactly; the journal never re-encodes what it reads): the record
// encodes again with the same header, and its payload's encoding is stable from then on.
import FoundationEssentials
@testable import MeterDaemon
import FuzzSupport

let writable = Date(timeIntervalSince1970: 0)..<Date(timeIntervalSince1970: 4_102_444_800)
let hash = [UInt8](repeating: 0xAB, count: 32)

func dates(_ record: JournalRecord) -> [Date] {
    switch record.payload {
    case .gap(let gap): return [record.time, gap.from, gap.to]
    case .slotClosed(let slot): return [record.time, slot.slotStart]
    default: return [record.time]
    }
}

func encoded(_ record: JournalRecord) -> [UInt8] {
    do {
        return RecordFrame.body(kind: record.kind, sequence: record.sequence, time: record.time,
                                clockSynchronised: record.clockSynchronised, payload: try PayloadCodec.encode(record.payload))
    } catch {
        check(false, "a decoded record does not encode again: \(error)")
        return []
    }
}

fuzz { bytes in
    guard let record = try? RecordFrame.decode(bytes[...], hash: hash), dates(record).allSatisfy(writable.contains) else { return }
    let body = encoded(record)
    check(body.prefix(RecordFrame.bodyHeaderSize) == bytes.prefix(RecordFrame.bodyHeaderSize), "the record header changed in a round trip")
    guard let again = try? RecordFrame.decode(body[...], hash: hash) else { return check(false, "a re-encoded record does not decode") }
    check(encoded(again) == body, "the payload's encoding is not stable after one round trip")
}
