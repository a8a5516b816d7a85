import Cutoff
import Drivers
import FoundationEssentials
import Logging

/// The data path of one reading (docs/design.md), in this order: the relay's limiter, the clock's
/// trust, the energy guard, the journal (the reading is acknowledged once it is on disk), the
/// settlement series and the slot guard for the settlement meter, status. The decisions are values
/// (ClockTrust, EnergyRegisterGuard, SettlementSeries, SlotGuard) and the relay's are the cutoff
/// service's; this actor carries them out in order. Closed slots go to the journal only; the batch
/// submitter reads them from there.
actor ReadingPipeline {
    private let writer: ReadingJournalWriter
    private let status: StatusBoard
    private var settlement: SettlementSeries
    private var clock: ClockTrust
    /// Asked at every reading; the clock source's answer unless a test drives the clock's trust.
    private let isClockSynchronised: @Sendable () -> Bool
    private var guards: [String: EnergyRegisterGuard] = [:]
    private let logger: Logger
    private let cutoff: CutoffService?
    /// Follows the settlement meter's open slot against its interval (docs/slot-guard.md).
    private var slotGuard: SlotGuardMonitor?

    init(journal: Journal, status: StatusBoard, settlementMeter: String?, clockSource: ClockSource,
         aggregator: SlotAggregator?, cutoff: CutoffService?, logger: Logger,
         isClockSynchronised: (@Sendable () -> Bool)? = nil, slotGuard: SlotGuardMonitor? = nil) {
        self.cutoff = cutoff
        self.slotGuard = slotGuard
        writer = ReadingJournalWriter(journal: journal, status: status, logger: logger)
        self.status = status
        settlement = SettlementSeries(meter: settlementMeter, aggregator: aggregator)
        clock = ClockTrust(source: clockSource)
        self.isClockSynchronised = isClockSynchronised ?? { ClockSynchronisation.isSynchronised(clockSource) }
        self.logger = logger
    }

    /// Journals a reading, a change of the clock's state before it and the slots it closes after it,
    /// in one write; the wait for the disk runs beside the poll loop, which must not stall.
    func accept(_ reading: Reading) async throws {
        // The limiter first: an emergency trip must not wait for the disk.
        await cutoff?.observe(reading)
        let synchronised = isClockSynchronised()
        let clockChange = clock.change(to: synchronised, at: reading.time)
        let (admitted, rejections) = guards[reading.meter, default: EnergyRegisterGuard()].admit(reading)
        for rejection in rejections { logger.warning("\(rejection)", metadata: ["meter": "\(reading.meter)"]) }
        if !rejections.isEmpty { await status.recordRejectedEnergy(rejections.count) }

        let isSettlement = admitted.meter == settlement.meter
        let step = settlement.step(admitted, synchronised: synchronised)
        if isSettlement { await report(step.episode, admitted) }
        let slots = step.records
        if let skipped = slots?.skipped { logger.warning("\(skipped)", metadata: ["meter": "\(admitted.meter)"]) }
        try await writer.write((clockChange.map { [$0.entry] } ?? []) + [JournalEntry(reading: admitted, clockSynchronised: synchronised)]
                                + (slots?.entries ?? []))
        if let clockChange { await adopt(clockChange) }
        if let slots { settlement.adopt(slots) }
        if isSettlement, var monitor = slotGuard {
            let entries = await monitor.follow(admitted, synchronised: synchronised, open: settlement.open,
                                               supplyConnected: cutoff?.controller.state.supplyConnected ?? true, status: status, logger: logger)
            slotGuard = monitor
            if !entries.isEmpty { try await writer.write(entries) }
        }
        await status.recordReading(admitted)
        for slot in slots?.closed ?? [] {
            await status.slotClosed(slot.slotIndex)
            logger.info("slot closed", metadata: [
                "slot": "\(slot.slotIndex)", "consumption_wh": "\(slot.consumptionWattHours.map(String.init) ?? "unmeasured")",
            ])
        }
        await writer.reportHealth()
    }

    /// At a clean stop, after the poll loop has ended: the guard output is cleared and a request that
    /// was in force ends with a journal record.
    func stopGuardOutput() async throws {
        guard var monitor = slotGuard else { return }
        let entry = await monitor.stop(logger: logger)
        slotGuard = monitor
        if let entry { try await writer.write([entry]) }
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
        try await writer.write([JournalEntry(time: to, clockSynchronised: clock.journaled ?? false,
                                              payload: .gap(Gap(meter: meter, from: from, to: to, reason: reason)))])
        logger.notice("meter answers again", metadata: ["meter": "\(meter)", "gap_seconds": "\(Int(to.timeIntervalSince(from)))"])
    }

    /// The clock's new state, once its record is written: for the journal's own records and status.
    private func adopt(_ change: ClockTrust.Change) async {
        clock.adopt(change)
        writer.journal.setClockSynchronised(change.synchronised)
        await status.setClockSynchronised(change.synchronised)
        logger.log(level: change.level, "\(change.message)")
    }
}
