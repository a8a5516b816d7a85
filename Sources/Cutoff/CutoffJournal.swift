import FoundationEssentials

/// Where the controller writes its records: MeterDaemon's signed journal (tests use a list).
/// `record` returns once the record is durable.
public protocol CutoffJournal: Sendable {
    func record(_ record: CutoffRecord, at time: Date) throws
}
