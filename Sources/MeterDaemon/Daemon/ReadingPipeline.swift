import Cutoff
import Drivers
import FoundationEssentials
import Logging

/// The data path of one reading (docs/design.md): the limiter, the clock's trust, the energy guard,
/// the journal (the reading is acknowledged once it is on disk), the settlement series and the slot
/// guard for the settlement meter, status. The decisions are values (Limiter, EnergyRegisterGuard,
/// SettlementSeries, SlotGuard); this actor carries them out in order. Closed slots go to the journal
/// only; the batch submitter reads them from there.
actor ReadingPipeline {
    private let journal: Journal
    private let status: StatusBoard
    private var settlement: SettlementSeries
    private let clockSource: ClockSource
    /// Asked at every reading; the clock source's answer unless a test drives the clock's trust.
    private let isClockSynchronised: @Sendable () -> Bool
    private var guards: [String: EnergyRegisterGuard] = [:]
    private var clockSynchronised: Bool?
    /// Set while the journal refuses writes, so the refusal is logged once per episode.
    private var refusal: String?
    private let logger: Logger
    private let cutoff: CutoffController?
    /// Follows the settlement meter's open slot against its interval (docs/slot-guard.md).
    private var slotGuard: SlotGuardMonitor?

    init(journal: Journal, status: StatusBoard, settlementMeter: String?, clockSource: ClockSource,
         aggregator: SlotAggregator?, cutoff: CutoffController?, logger: Logger,
         isClockSynchronised: (@Sendable () -> Bool)? = nil, slotGuard: SlotGuardMonitor? = nil) {
        self.cutoff = cutoff
        self.slotGuard = slotGuard
        self.journal = journal
        self.status = status
        settlement = SettlementSeries(meter: settlementMeter, aggregator: aggregator)
        self.clockSource = clockSource
        self.isClockSynchronised = isClockSynchronised ?? { ClockSynchronisation.isSynchronised(clockSource) }
        self.logger = logger
    }

    /// Journals a reading and what it closes. The records are written in order at once; the wait for
    /// the disk (up to the fsync policy's interval) runs beside the poll loop, which must not stall.
    func accept(_ reading: Reading) async throws {
        // The limiter first: an emergency trip must not wait for the disk.
        if let cutoff {
            do {
                for step in try cutoff.handle(reading: reading) where step.after.state != step.before.state {
                    logger.warning("relay \(step.before.state) -> \(step.after.state)", metadata: ["cause": "\(step.cause)", "meter": "\(reading.meter)"])
                }
            } catch {
                logger.error("relay: \(error)", metadata: ["meter": "\(reading.meter)"])
            }
        }
        let synchronised = await checkClock(at: reading.time)
        let (admitted, rejections) = guards[reading.meter, default: EnergyRegisterGuard()].admit(reading)
        for rejection in rejections { logger.warning("\(rejection)", metadata: ["meter": "\(reading.meter)"]) }
        if !rejections.isEmpty { await status.recordRejectedEnergy(rejections.count) }

        let isSettlement = admitted.meter == settlement.meter
        let step = settlement.step(admitted, synchronised: synchronised)
        if isSettlement { await report(step.episode, admitted) }
        let slots = step.records
        if let skipped = slots?.skipped { logger.warning("\(skipped)", metadata: ["meter": "\(admitted.meter)"]) }
        try await write([JournalEntry(reading: admitted, clockSynchronised: synchronised)] + (slots?.entries ?? []))
        if let slots { settlement.adopt(slots) }
        if isSettlement, var monitor = slotGuard {
            let entries = await monitor.follow(admitted, synchronised: synchronised, open: settlement.open,
                                               supplyConnected: cutoff?.state.supplyConnected ?? true, status: status, logger: logger)
            slotGuard = monitor
            if !entries.isEmpty { try await write(entries) }
        }
        await status.recordReading(admitted)
        for slot in slots?.closed ?? [] {
            await status.slotClosed(UInt64(slot.index))
            logger.info("slot closed", metadata: [
                "slot": "\(slot.index)", "consumption_wh": "\(slot.consumptionWattHours.map(String.init) ?? "unmeasured")",
            ])
        }
        await reportJournal()
    }

    /// At a clean stop, after the poll loop has ended: the guard output is cleared and a request that
    /// was in force ends with a journal record.
    func stopGuardOutput() async throws {
        guard var monitor = slotGuard else { return }
        let entry = await monitor.stop(logger: logger)
        slotGuard = monitor
        if let entry { try await write([entry]) }
    }

    /// A settlement reading without the import register (exception 2, a not-available marker, a
    /// rejected value) starts an episode: said once at error level, counted and shown in status until
    /// the register reads again. The slots across it take their energy from the register's next good
    /// value (interpolated at the boundaries, as after an outage), or stay unmeasured if none comes.
    private func report(_ episode: SettlementSeries.RegisterEpisode?, _ reading: Reading) async {
        switch episode {
        case .started?:
            logger.error("settlement register missing: the import energy register gives no value (absent or not available); slots wait for its next good value and are unmeasured if none comes", metadata: ["meter": "\(reading.meter)"])
        case .ended?:
            logger.notice("settlement register reads again: the slots across the gap take their energy from it", metadata: ["meter": "\(reading.meter)"])
            await status.settlementRegisterReads()
        case nil:
            break
        }
        if settlement.registerMissing { await status.settlementRegisterMissing(meter: reading.meter, at: reading.time) }
    }

    /// Journals a gap: a meter that did not answer from `from` to `to`.
    func gap(meter: String, from: Date, to: Date, reason: String) async throws {
        try await write([JournalEntry(time: to, clockSynchronised: clockSynchronised ?? false,
                                payload: .gap(Gap(meter: meter, from: from, to: to, reason: reason)))])
        logger.notice("meter answers again", metadata: ["meter": "\(meter)", "gap_seconds": "\(Int(to.timeIntervalSince(from)))"])
    }

    /// Writes and, while the journal refuses (a full disk), says so once per episode with the room
    /// it needs, and in the status line and `meterd_journal_healthy` at every refusal.
    private func write(_ entries: [JournalEntry]) async throws {
        let last: UInt64?
        do {
            last = try journal.enqueue(entries).last
        } catch {
            let why = withRoomNeeded(error)
            if refusal == nil { logger.error("journal refuses records: \(why)") }
            refusal = why
            await reportJournal()
            throw error
        }
        if refusal != nil {
            refusal = nil
            logger.notice("journal writes again")
        }
        guard let last else { return }
        let journal = journal, logger = logger
        Task {
            do { try await journal.waitUntilDurable(last) } catch {
                logger.error("journal: records up to #\(last) are not on disk: \(error)")
            }
        }
    }

    private func withRoomNeeded(_ error: any Error) -> String {
        ["\(error)", journal.roomNeeded()].compactMap { $0 }.joined(separator: " ")
    }

    private func reportJournal() async {
        let problem = journal.problem().map(withRoomNeeded)
        await status.journal(records: journal.head.sequence, bytes: journal.segmentSummaries().reduce(0) { $0 + $1.bytes }, problem: problem)
    }

    /// The clock's state, journaled whenever it changes.
    private func checkClock(at time: Date) async -> Bool {
        let now = isClockSynchronised()
        if now != clockSynchronised {
            clockSynchronised = now
            journal.setClockSynchronised(now)
            await status.setClockSynchronised(now)
            // A refusal is said by `write` (once per episode, with the room needed); every record carries the flag anyway.
            try? await write([JournalEntry(time: time, clockSynchronised: now, payload: .clockSync(ClockSync(synchronised: now, detail: clockSource == .trusted ? "trusted by configuration" : "kernel (adjtimex)")))])
            if now {
                logger.notice("system clock synchronised: slots open and close")
            } else {
                logger.warning("system clock not synchronised: readings are journaled, no slot opens or closes until it is")
            }
        }
        return now
    }
}
