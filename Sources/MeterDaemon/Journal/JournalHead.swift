import ChainClient

/// The newest record of the chain: what a batch anchors on chain.
public struct JournalHead: Sendable, Equatable, CustomStringConvertible {
    /// 0 for an empty journal; records are numbered from 1.
    public var sequence: UInt64
    var hash: [UInt8]

    public var description: String { "sequence \(sequence), hash \(Hex.encode(hash))" }
}

/// One segment as the journal keeps track of it (retention, budget, stats).
public struct SegmentSummary: Sendable, Equatable {
    var name: String
    var bytes: Int
    var firstSequence: UInt64?
    var lastSequence: UInt64?
    var lastTime: Date?
    var damaged: Bool
}

import FoundationEssentials

/// What opening the journal found and repaired.
public struct RecoveryReport: Sendable, Equatable {
    var head: JournalHead
    var segments: Int
    var records: Int
    /// Torn tails that were cut (each also journaled as a `cut` record).
    var cuts: [JournalCut]
    /// Damage kept in place and journaled as a `break` record.
    var breaks: [JournalBreak]
    /// Acknowledged records that no checkpoint covered yet (a crash between checkpoints); the
    /// checkpoint written at open now covers them.
    var uncheckpointedRecords: UInt64
    /// The segments against the head record: a rollback or a truncation at the front (each also
    /// journaled as a `break` record), or no head record to check against.
    var headFindings: [JournalHeadFinding] = []
    /// Changes of signer without a valid key rotation, and rotations that do not check out, seen in the
    /// journal's history (the newest signer is the device key, or the journal would not have opened).
    var signerProblems: [ScanProblem] = []

    var isClean: Bool { cuts.isEmpty && breaks.isEmpty && !headFindings.contains(where: \.isDamage) }
}
