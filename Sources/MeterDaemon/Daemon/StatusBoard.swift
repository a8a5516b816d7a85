import Drivers
import FoundationEssentials

/// What the daemon knows about itself right now: the source of `systemctl status` (STATUS=), of the
/// Prometheus metrics and of the watchdog's health check.
actor StatusBoard {
    struct MeterStatus: Sendable {
        var lastReading: Reading?
        var lastReadingAt: Date?
        var readings: Int = 0
        var errors: [String: Int] = [:]
        var lastError: String?
        /// When the meter stopped answering, while it does not answer.
        var unreachableSince: Date?
    }

    private(set) var meters: [String: MeterStatus] = [:]
    private(set) var lastPollCycle: Date?
    private(set) var clockSynchronised = false
    private(set) var lastClosedSlot: UInt64?
    private(set) var slotsWaiting = 0
    private(set) var journalRecords: UInt64 = 0
    private(set) var journalBytes: Int = 0
    private(set) var journalProblem: String?
    private(set) var rejectedEnergy = 0
    /// Why the relay is not where it was commanded (a line write or a journal record failed), while it is not.
    private(set) var relayProblem: String?
    private(set) var relayActuationFailures = 0
    /// The settlement meter and when its import register stopped giving values, while it does not.
    private(set) var settlementRegisterMissingSince: (meter: String, since: Date)?
    private(set) var settlementReadingsWithoutRegister = 0
    private(set) var bonus: UInt128?
    private(set) var credit: UInt128?
    private(set) var contractNextSlot: UInt64?
    private(set) var contractControlState: UInt8?
    private(set) var lastConfirmedSlot: UInt64?
    private(set) var batchesConfirmed = 0
    private(set) var transactionsPending = 0
    private(set) var gasToday: UInt64 = 0
    /// The slot guard's newest report (StatusBoard+SlotGuard.swift); nil while it has none or is off.
    private(set) var slotGuardReport: SlotGuardReport?
    /// The guard output's request, when an output is configured, and whether the output shows it.
    private(set) var slotGuardRequest: (request: LoadRequest, written: Bool)?

    init(meterNames: [String]) {
        for name in meterNames { meters[name] = MeterStatus() }
    }

    func recordReading(_ reading: Reading) {
        meters[reading.meter, default: MeterStatus()].lastReading = reading
        meters[reading.meter]!.lastReadingAt = reading.time
        meters[reading.meter]!.readings += 1
        meters[reading.meter]!.unreachableSince = nil
    }

    func recordFailure(meter: String, kind: String, message: String, at time: Date) {
        meters[meter, default: MeterStatus()].errors[kind, default: 0] += 1
        meters[meter]!.lastError = message
        if meters[meter]!.unreachableSince == nil { meters[meter]!.unreachableSince = time }
    }

    func recordRejectedEnergy(_ count: Int) { rejectedEnergy += count }

    func relayActuationFailed(_ why: String) {
        relayActuationFailures += 1
        relayProblem = why
    }

    func relayRecovered() { relayProblem = nil }

    func settlementRegisterMissing(meter: String, at time: Date) {
        settlementReadingsWithoutRegister += 1
        if settlementRegisterMissingSince == nil { settlementRegisterMissingSince = (meter, time) }
    }

    func settlementRegisterReads() { settlementRegisterMissingSince = nil }
    func pollCycleCompleted(at time: Date) { lastPollCycle = time }
    func setClockSynchronised(_ synchronised: Bool) { clockSynchronised = synchronised }
    func slotGuard(_ report: SlotGuardReport) { slotGuardReport = report }
    func loadRequest(_ request: LoadRequest, written: Bool) { slotGuardRequest = (request, written) }
    func slotClosed(_ index: UInt64) {
        lastClosedSlot = index
        slotsWaiting += 1
    }

    func agreement(bonus: UInt128, credit: UInt128, nextSlot: UInt64, controlState: UInt8) {
        self.bonus = bonus
        self.credit = credit
        contractNextSlot = nextSlot
        contractControlState = controlState
    }

    func bonus(_ value: UInt128) { bonus = value }
    func credit(_ value: UInt128) { credit = value }

    func chain(waitingSlots: Int, pending: Int, gasToday: UInt64) {
        slotsWaiting = waitingSlots
        transactionsPending = pending
        self.gasToday = gasToday
    }

    func batchConfirmed(lastSlot: UInt64) {
        lastConfirmedSlot = lastSlot
        contractNextSlot = lastSlot + 1
        batchesConfirmed += 1
    }

    func journal(records: UInt64, bytes: Int, problem: String?) {
        journalRecords = records
        journalBytes = bytes
        journalProblem = problem
    }

    /// Healthy: every meter's poll loop came round within `within` (a stalled loop stops the
    /// watchdog pings, and systemd restarts meterd).
    func pollLoopIsHealthy(now: Date, within: Double) -> Bool {
        guard let lastPollCycle else { return false }
        return now.timeIntervalSince(lastPollCycle) <= within
    }

    /// One line for `systemctl status`.
    func summary(now: Date) -> String {
        var parts: [String] = []
        let answering = meters.values.filter { $0.unreachableSince == nil && $0.lastReadingAt != nil }.count
        parts.append("\(answering)/\(meters.count) meters answering")
        for (name, status) in meters.sorted(by: { $0.key < $1.key }) {
            if let since = status.unreachableSince {
                parts.append("\(name) unreachable for \(Int(now.timeIntervalSince(since))) s")
            } else if let power = status.lastReading?.values[.activePowerTotal] {
                parts.append("\(name) \(Int(power.rounded())) W")
            }
        }
        parts.append(clockSynchronised ? (lastClosedSlot.map { "slot \($0) closed" } ?? "no slot closed yet")
                                       : "clock not synchronised: no slots")
        if let lastConfirmedSlot { parts.append("slots up to \(lastConfirmedSlot) on chain") }
        if let guardPart = slotGuardSummary(now: now) { parts.append(guardPart) }
        if let requestPart = slotGuardRequestSummary() { parts.append(requestPart) }
        if let bonus { parts.append("bonus \(bonus)") }
        if let journalProblem { parts.append("JOURNAL: \(journalProblem)") }
        if let relayProblem { parts.append("RELAY: \(relayProblem)") }
        if let missing = settlementRegisterMissingSince {
            parts.append("SETTLEMENT REGISTER: \(missing.meter) import energy missing for \(Int(now.timeIntervalSince(missing.since))) s, slots wait for its next value")
        }
        return parts.joined(separator: "; ")
    }
}
