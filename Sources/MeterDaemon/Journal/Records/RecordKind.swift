/// The type byte of a record and the name `journal show --type` filters by.
public enum RecordKind: UInt8, Sendable, CaseIterable {
    case reading = 1
    case gap = 2
    case slotClosed = 3
    case batchSubmitted = 4
    case batchConfirmed = 5
    case anchored = 6
    case relayTransition = 7
    case configChange = 8
    case clockSync = 9
    case journalCut = 10
    case journalBreak = 11
    case daemonStart = 12
    case daemonStop = 13
    case checkpoint = 14
    case keyRotation = 15
    case guardOutput = 16

    /// The name shown and filtered on; several kinds can share a filter group (see `group`).
    public var name: String {
        switch self {
        case .reading: return "reading"
        case .gap: return "gap"
        case .slotClosed: return "slot"
        case .batchSubmitted: return "batch-submitted"
        case .batchConfirmed: return "batch-confirmed"
        case .anchored: return "anchored"
        case .relayTransition: return "relay"
        case .configChange: return "config"
        case .clockSync: return "clock"
        case .journalCut: return "cut"
        case .journalBreak: return "break"
        case .daemonStart: return "start"
        case .daemonStop: return "stop"
        case .checkpoint: return "checkpoint"
        case .keyRotation: return "key-rotation"
        case .guardOutput: return "guard-output"
        }
    }

    /// `--type batch` selects both batch kinds, `--type journal` cuts and breaks, `--type daemon` start and stop.
    public var group: String {
        switch self {
        case .batchSubmitted, .batchConfirmed, .anchored: return "batch"
        case .journalCut, .journalBreak: return "journal"
        case .daemonStart, .daemonStop: return "daemon"
        default: return name
        }
    }

    /// Kinds matching a `--type` word: an exact name or a group.
    public static func matching(_ word: String) -> [RecordKind] {
        allCases.filter { $0.name == word || $0.group == word }
    }
}
