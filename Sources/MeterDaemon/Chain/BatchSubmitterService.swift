import ChainClient
import Cutoff
import FoundationEssentials
import Logging
import ServiceLifecycle

/// Sends closed slots to the contract in batches and the relay's acknowledgements with them.
///
/// The contract's `next_slot` and `last_batch_seq` are the truth, read at start and after anything
/// unexpected; a batch is sent once `batch_slots` slots wait (or the oldest has waited
/// `batch_max_wait_seconds`), one at a time, idempotent by its batch number. Its confirmation is
/// journaled and anchors the journal up to the head the batch carried.
actor BatchSubmitterService: Service {
    private struct InFlight {
        var batchSeq: UInt64
        var firstSlot: UInt64
        var count: Int
        var headSequence: UInt64
    }

    private let chain: ChainConfiguration
    private let rpc: RPCClient
    private let sender: TransactionSender
    private let journal: Journal
    private let status: StatusBoard
    private let cutoff: CutoffService?
    private let logger: Logger
    private let batchSlots: Int
    private let maxWait: Double
    private var slotFeed: ClosedSlotFeed
    private var waiting = WaitingSlots()
    private var nextSlot: UInt64?
    private var lastBatchSeq: UInt64 = 0
    private var inFlight: InFlight?
    /// The agreement's status while it takes no batches (proposed, or ended); nil while it does.
    private var inactive: AgreementStatus?
    /// The journal is checked against the batches on chain (`AnchorAudit`) at start, and again when a
    /// batch may have gone on chain without its records, until the chain's confirmed head reaches
    /// `auditUntilBlock` and the journal records every batch the contract counts; not before
    /// `nextAuditAt` after a failed check.
    private var auditDue = true
    private var recordedThroughBatch: UInt64 = 0
    private var auditUntilBlock: UInt64 = 0
    private var nextAuditAt = Date.distantPast

    init(chain: ChainConfiguration, rpc: RPCClient, sender: TransactionSender, journal: Journal, status: StatusBoard,
         cutoff: CutoffService?, batchSlots: Int, maxWait: Double, logger: Logger) {
        self.chain = chain
        self.rpc = rpc
        self.sender = sender
        self.journal = journal
        self.slotFeed = ClosedSlotFeed(journal: journal)
        self.status = status
        self.cutoff = cutoff
        self.batchSlots = batchSlots
        self.maxWait = maxWait
        self.logger = logger
    }

    /// The slots the pipeline journaled since the last round, read from the submitter's own cursor.
    private func takeClosedSlots() throws {
        guard let nextSlot else { return }
        for closed in try slotFeed.newSlots(from: nextSlot) where closed.slot.slotIndex >= nextSlot {
            waiting.add(slot: closed.slot.slotIndex, wattHours: closed.slot.consumptionWattHours, closedAt: closed.journaledAt)
        }
    }

    func run() async throws {
        while keepRunning {
            do {
                await auditIfDue()
                if nextSlot == nil || inactive != nil { try await refresh() }
                try await collectOutcomes()
                try takeClosedSlots()
                try await submitBatchIfDue()
                try await sendChainActions()
            } catch let damage as MeterdError where damage.isJournalDamage {
                logger.error("chain: \(damage); no batch goes out past it until the segment is repaired (meterd journal verify)")
            } catch let error as ChainClientError where error.code.group == .sender {
                logger.warning("chain: \(error)")
            } catch {
                logger.warning("chain: \(error); batches wait in the journal and go out in order once a node answers")
                nextSlot = nil
                // A journal that refused a batch's record: the audit journals it once the journal takes writes again.
                if (error as? MeterdError)?.isJournalRefusal == true { auditDue = true }
            }
            await status.chain(waitingSlots: waiting.count, pending: await sender.pending.count, gasToday: await sender.gasUsedToday)
            await pause(seconds: chain.receiptPollSeconds)
        }
    }

    /// The contract's view: what it has, so nothing is sent twice or skipped.
    private func refresh() async throws {
        let state = try await chain.binding.agreement(rpc: rpc)
        noteStatus(state.status)
        nextSlot = state.nextSlot
        lastBatchSeq = state.lastBatchSeq
        waiting.drop(before: state.nextSlot)
        await status.agreement(bonus: state.bonus, credit: state.credit, nextSlot: state.nextSlot, controlState: state.controlState)
    }

    /// Logs once per change whether the contract takes this agreement's batches.
    private func noteStatus(_ status: AgreementStatus) {
        if status.acceptsBatches {
            if inactive != nil {
                logger.notice("agreement is \(status.explanation): batches go out", metadata: ["agreement": "\(chain.agreementID)"])
            }
            inactive = nil
        } else if inactive != status {
            logger.warning("agreement is \(status.explanation): meterd sends no batch for it; slots wait in the journal",
                           metadata: ["agreement": "\(chain.agreementID)"])
            inactive = status
        }
    }

    private func collectOutcomes() async throws {
        for outcome in try await sender.poll() {
            switch outcome {
            case .confirmed(.batch(_, let batchSeq), let hash, let block, let gasUsed):
                try await confirmed(batchSeq: batchSeq, hash: hash, block: block)
                logger.notice("batch confirmed", metadata: ["batch": "\(batchSeq)", "block": "\(block)", "gas": "\(gasUsed)", "tx": "\(Hex.encode(hash))"])
            case .alreadyDone(.batch(_, let batchSeq)):
                logger.notice("batch already on chain", metadata: ["batch": "\(batchSeq)"])
                inFlight = nil
                auditDue = true
                try await refresh()
            case .reverted(let intent, let hash, let reason):
                logger.error("transaction reverted: \(reason)", metadata: ["intent": "\(intent)", "tx": "\(Hex.encode(hash))"])
                inFlight = nil
                try await refresh()
            case .confirmed(.call(let label), let hash, let block, _):
                logger.notice("\(label) confirmed", metadata: ["block": "\(block)", "tx": "\(Hex.encode(hash))"])
            case .alreadyDone(.call(let label)):
                logger.notice("\(label): already on chain")
            }
        }
    }

    private func confirmed(batchSeq: UInt64, hash: [UInt8], block: UInt64) async throws {
        guard let flight = inFlight, flight.batchSeq == batchSeq else {
            // Sent by an earlier run of meterd: its records come from the chain's event.
            auditDue = true
            auditUntilBlock = max(auditUntilBlock, block)
            try await refresh()
            return
        }
        waiting.remove(flight.firstSlot..<(flight.firstSlot + UInt64(flight.count)))
        nextSlot = flight.firstSlot + UInt64(flight.count)
        lastBatchSeq = batchSeq
        inFlight = nil
        // No agreement() read here: the batch moved only next_slot and last_batch_seq, known already; its
        // bonus reaches the status with the BatchSubmitted event.
        await status.batchConfirmed(lastSlot: flight.firstSlot + UInt64(flight.count) - 1)
        // The batch is on chain whatever the journal does: records it refuses (a full disk) are written by
        // the audit once it takes writes again, and the next batch does not wait for them.
        _ = try await journal.append([JournalEntry(time: Date(), payload: .batchConfirmed(Batch(
            batchSequence: batchSeq, firstSlot: flight.firstSlot, slotCount: UInt32(flight.count), transactionHash: hash, block: block)))])
        try journal.markAnchored(upTo: flight.headSequence, transactionHash: hash, block: block)
        recordedThroughBatch = max(recordedThroughBatch, batchSeq)
    }

    private func auditIfDue() async {
        // A batch the contract counts that the journal does not record yet (not final at the last check).
        if inFlight == nil, nextSlot != nil, recordedThroughBatch < lastBatchSeq { auditDue = true }
        guard auditDue, Date() >= nextAuditAt, journal.problem() == nil else { return }
        do {
            let audit = try await AnchorAudit(chain: chain, rpc: rpc, journal: journal, device: await sender.address, logger: logger)
                .run(before: inFlight?.batchSeq)
            recordedThroughBatch = max(recordedThroughBatch, audit.lastBatch)
            auditDue = audit.confirmedHead < auditUntilBlock
        } catch {
            logger.warning("chain: the journal is not checked against its anchors on chain now (\(error)); meterd tries again in 60 s")
            nextAuditAt = Date().addingTimeInterval(60)
        }
        if auditDue, nextAuditAt < Date() { nextAuditAt = Date().addingTimeInterval(chain.watchIntervalSeconds) }
    }

    private func submitBatchIfDue() async throws {
        guard inFlight == nil, inactive == nil, let nextSlot,
              let batch = waiting.due(from: nextSlot, batchSlots: batchSlots, maxWait: maxWait, now: Date()) else { return }
        let (first, values) = (batch.firstSlot, batch.values)
        let head = journal.head
        let batchSeq = lastBatchSeq + 1
        let data = try chain.binding.submitBatchCall(batchSeq: batchSeq, firstSlot: first, slots: values, journalHead: head.hash)
        let submission = try await sender.submit(.batch(agreementID: chain.agreementID, batchSeq: batchSeq), to: chain.contract, data: data)
        switch submission {
        case .sent(let hash), .alreadyPending(let hash):
            inFlight = InFlight(batchSeq: batchSeq, firstSlot: first, count: values.count, headSequence: head.sequence)
            _ = try await journal.append([JournalEntry(time: Date(), payload: .batchSubmitted(Batch(
                batchSequence: batchSeq, firstSlot: first, slotCount: UInt32(values.count), transactionHash: hash)))])
            logger.info("batch sent", metadata: ["batch": "\(batchSeq)", "first_slot": "\(first)", "slots": "\(values.count)", "tx": "\(Hex.encode(hash))"])
        case .alreadyDone:
            try await refresh()
        }
    }

    /// Acknowledgements of a cutoff, confirmations of a reconnection and reports of a limiter trip, with the journal head.
    private func sendChainActions() async throws {
        guard let cutoff else { return }
        for action in await cutoff.takeChainActions() {
            let head = journal.head.hash
            let (label, data): (String, [UInt8])
            switch action {
            case .acknowledgeCutoff(let block):
                (label, data) = ("acknowledge cutoff at block \(block)", try chain.binding.acknowledgeCutoffCall(journalHead: head))
            case .confirmReconnection(let block):
                (label, data) = ("confirm reconnection at block \(block)", try chain.binding.confirmReconnectionCall(journalHead: head))
            case .reportEmergencyShutdown:
                (label, data) = ("report emergency shutdown (journal #\(journal.head.sequence))", try chain.binding.reportEmergencyShutdownCall(journalHead: head))
            }
            _ = try await sender.submit(.call(label: label), to: chain.contract, data: data)
            logger.notice("\(label) sent")
        }
    }
}
