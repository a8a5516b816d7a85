// A journal segment file as opening and `meterd journal verify` read it, e.g. from a corrupted SD card.
// Property: nothing traps; the scan stops at the first problem, and what it calls good ends inside the file.
@testable import MeterDaemon
import FuzzSupport

fuzz { bytes in
    guard let scan = try? SegmentScan.scan(name: "fuzz.seg", bytes: bytes) else { return }
    check(scan.goodEnd <= bytes.count, "the good part of the segment ends past the file")
    check(scan.problem != nil || scan.header == nil || scan.goodEnd == bytes.count, "a clean scan stopped before the end")
}
