@testable import ChainClient
import Foundation
@testable import MeterDaemon
import Testing

/// The journal against its anchors on the development chain: real segment files whose heads real
/// submit_batch transactions anchored, then segments deleted or batch records left out.
@Suite(.serialized) struct JournalAnchorTests {
    /// Where each batch's anchored head is in the journal, and the block that confirmed it.
    struct Anchored {
        var heads: [UInt64] = []
        var blocks: [UInt64] = []
    }

    /// Forty records, then batch n (slot n-1) with the journal's head, `batches` times from `firstBatch`,
    /// in 2 KiB segments; with `batchRecords` each batch is journaled as the submitter journals it.
    static func anchoredJournal(_ site: SettlementSite, directory: String, batches: Int, batchRecords: Bool,
                                device: PrivateKey? = nil, firstBatch: UInt64 = 1) async throws -> Anchored {
        let device = device ?? site.chain.device
        let (journal, _) = try Journal.open(directory: directory, key: device, options: JournalOptions(fsync: .groupCommit, segmentBytes: 2048))
        var anchored = Anchored()
        let binding = AgreementBinding(contract: site.contract, agreementID: site.agreement)
        for batch in firstBatch..<(firstBatch + UInt64(batches)) {
            for index in 0..<40 {
                try await journal.append([JournalEntry(time: Date(), payload: .daemonStop(reason: "filler \(batch).\(index)"))])
            }
            let head = journal.head
            let data = try binding.submitBatchCall(batchSeq: batch, firstSlot: batch - 1, slots: [500], journalHead: head.hash)
            var receipt: TransactionReceipt?
            // The contract takes a slot only once it has ended (two-second slots from the site's start).
            for _ in 0..<20 where receipt == nil {
                do { receipt = try await site.chain.call(from: device, contract: site.contract, data: data) } catch {
                    try await Task.sleep(nanoseconds: 500_000_000)
                }
            }
            let confirmed = try #require(receipt, "batch \(batch) was not accepted")
            if batchRecords {
                let record = Batch(batchSequence: batch, firstSlot: batch - 1, slotCount: 1, transactionHash: confirmed.transactionHash)
                var withBlock = record
                withBlock.block = confirmed.blockNumber
                try await journal.append([JournalEntry(time: Date(), payload: .batchSubmitted(record))])
                try await journal.append([JournalEntry(time: Date(), payload: .batchConfirmed(withBlock))])
                try journal.markAnchored(upTo: head.sequence, transactionHash: confirmed.transactionHash, block: confirmed.blockNumber)
            }
            anchored.heads.append(head.sequence)
            anchored.blocks.append(confirmed.blockNumber)
        }
        try journal.close()
        // One block on top (the site's confirmations), so the last batch counts as confirmed.
        while try await site.chain.rpc.blockNumber() <= anchored.blocks.last ?? 0 { try await Task.sleep(nanoseconds: 100_000_000) }
        return anchored
    }

    /// The journal's segment files, oldest first, with their first sequence.
    static func segments(_ directory: String) throws -> [(name: String, first: UInt64)] {
        var found: [(String, UInt64)] = []
        try JournalReader(directory: directory).forEach(segmentDone: { summary, _ in
            if let first = summary.firstSequence { found.append((summary.name, first)) }
        }) { _ in }
        return found
    }

    static func remove(_ directory: String, _ names: String...) throws {
        for name in names { try FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent(name)) }
    }

    @Test func verifyReportsTheNewestSegmentDeletedWithTheRecordsMissing() async throws {
        let site = try await SettlementSite()
        defer { site.stop() }
        let daemon = try site.daemon()
        let anchored = try await Self.anchoredJournal(site, directory: daemon.journal, batches: 3, batchRecords: true)
        let segments = try Self.segments(daemon.journal)
        let newest = try #require(segments.last)
        try #require(segments.count >= 3 && anchored.heads[2] >= newest.first && anchored.heads[1] < newest.first,
                     "batch 3's head (\(anchored.heads)) must be in the newest segment \(segments)")
        let before = try DaemonProcess.meterd(["journal", "verify", "--config", daemon.configuration])
        #expect(before.status == 0 && before.output.contains("the journal holds 3 of their anchored heads"), "\(before.output)")

        // The head record goes too: only the chain still knows what the journal reached.
        try Self.remove(daemon.journal, newest.name, JournalHeadRecord.fileName)
        let offline = try DaemonProcess.meterd(["journal", "verify", "--config", daemon.configuration, "--offline"])
        #expect(offline.status == 0, "the files alone look whole: \(offline.output)")
        let online = try DaemonProcess.meterd(["journal", "verify", "--config", daemon.configuration])
        #expect(online.status == 1, "\(online.output)")
        #expect(online.output.contains("ANCHORS: the journal was rolled back: batch 3 (block \(anchored.blocks[2])) anchored journal heads it does not hold; "
                                       + "records from \(newest.first) on are missing (the journal ends at record \(newest.first - 1))"), "\(online.output)")
        #expect(online.output.contains("the journal holds 2 of their anchored heads"), "\(online.output)")
    }

    @Test func verifyReportsTheOldestSegmentDeleted() async throws {
        let site = try await SettlementSite()
        defer { site.stop() }
        let daemon = try site.daemon()
        let anchored = try await Self.anchoredJournal(site, directory: daemon.journal, batches: 3, batchRecords: true)
        let segments = try Self.segments(daemon.journal)
        try #require(segments.count >= 3 && anchored.heads[0] < segments[1].first, "batch 1's head must be in the oldest segment \(segments)")
        try Self.remove(daemon.journal, segments[0].name)
        let withHead = try DaemonProcess.meterd(["journal", "verify", "--config", daemon.configuration])
        #expect(withHead.status == 1, "\(withHead.output)")
        let expected = "ANCHORS: the journal was truncated at the front: batch 1 (block \(anchored.blocks[0])) anchored records before its oldest one; "
            + "records 1 to \(segments[1].first - 1) are missing"
        #expect(withHead.output.contains(expected), "\(withHead.output)")

        try Self.remove(daemon.journal, JournalHeadRecord.fileName)
        let chainAlone = try DaemonProcess.meterd(["journal", "verify", "--config", daemon.configuration])
        #expect(chainAlone.status == 1 && chainAlone.output.contains(expected), "without the head record the chain still tells: \(chainAlone.output)")
    }

    @Test func theDaemonReportsARolledBackJournalAtStartAndKeepsRunning() async throws {
        let site = try await SettlementSite()
        defer { site.stop() }
        let daemon = try site.daemon()
        let anchored = try await Self.anchoredJournal(site, directory: daemon.journal, batches: 3, batchRecords: true)
        let newest = try #require(try Self.segments(daemon.journal).last)
        try #require(anchored.heads[2] >= newest.first && anchored.heads[1] < newest.first)
        try Self.remove(daemon.journal, newest.name, JournalHeadRecord.fileName)
        try daemon.start()
        let expected = "the journal was rolled back: batch 3 (block \(anchored.blocks[2])) anchored journal heads it does not hold"
        #expect(try await eventually(within: 20) { daemon.log.contains("<3>journal: " + expected) }, "logged at error level; log:\n\(daemon.log)")
        #expect(daemon.stop() == 0, "log:\n\(daemon.log)")
        // Batch 3 now has its records from the chain: the next start checks after it and says nothing again.
        try daemon.start()
        #expect(try await eventually(within: 20) { daemon.log.contains("journal checked against its anchors on chain") }, "log:\n\(daemon.log)")
        #expect(daemon.stop() == 0 && !daemon.log.contains(expected), "log:\n\(daemon.log)")
        let breaks = try JournalReader(directory: daemon.journal).records().filter {
            if case .journalBreak(let damage) = $0.payload { damage.detail.contains(expected) } else { false }
        }
        #expect(breaks.count == 1, "the rollback is journaled once: \(breaks)")
    }

    @Test func batchesOnChainWithoutTheirRecordsAreJournaledOnceAtStart() async throws {
        let site = try await SettlementSite()
        defer { site.stop() }
        let daemon = try site.daemon()
        let anchored = try await Self.anchoredJournal(site, directory: daemon.journal, batches: 3, batchRecords: false)
        try daemon.start()
        #expect(try await eventually(within: 20) { daemon.log.components(separatedBy: "lacked records; journaled now").count - 1 >= 3 }, "log:\n\(daemon.log)")
        #expect(daemon.stop() == 0, "log:\n\(daemon.log)")
        // Twice more: what is journaled is not journaled again.
        for _ in 1...2 {
            try daemon.start()
            #expect(try await eventually(within: 20) { daemon.log.contains("journal checked against its anchors on chain") }, "log:\n\(daemon.log)")
            try await Task.sleep(nanoseconds: 2_000_000_000)
            #expect(daemon.stop() == 0, "log:\n\(daemon.log)")
        }
        var submitted: [UInt64: Int] = [:], confirmed: [UInt64: [UInt64]] = [:], anchors: [UInt64] = []
        for record in try JournalReader(directory: daemon.journal).records() {
            switch record.payload {
            case .batchSubmitted(let batch): submitted[batch.batchSequence, default: 0] += 1
            case .batchConfirmed(let batch): confirmed[batch.batchSequence, default: []].append(batch.block ?? 0)
            case .anchored(let anchor): anchors.append(anchor.sequence)
            default: break
            }
        }
        for batch in 1...3 {
            #expect(submitted[UInt64(batch)] == 1, "batch \(batch): \(submitted)")
            #expect(confirmed[UInt64(batch)] == [anchored.blocks[batch - 1]], "batch \(batch): \(confirmed)")
            #expect(anchors.contains(anchored.heads[batch - 1]), "batch \(batch)'s head \(anchored.heads[batch - 1]) anchored: \(anchors)")
        }
        #expect(submitted.values.allSatisfy { $0 == 1 } && confirmed.values.allSatisfy { $0.count == 1 }, "no batch twice: \(submitted) \(confirmed)")
    }

    @Test func afterADeviceSwapEachJournalIsCheckedAgainstItsOwnDevicesBatches() async throws {
        let site = try await SettlementSite()
        defer { site.stop() }
        let daemon = try site.daemon()
        let replaced = daemon.journal + "-replaced-board"
        defer { try? FileManager.default.removeItem(atPath: replaced) }
        _ = try await Self.anchoredJournal(site, directory: daemon.journal, batches: 2, batchRecords: true)
        let newDevice = site.chain.replacementDevice
        try await site.chain.changeDevice(contract: site.contract, id: site.agreement, to: newDevice.address)
        try FileManager.default.moveItem(atPath: daemon.journal, toPath: replaced)
        try FileManager.default.removeItem(atPath: daemon.key)
        try DeviceKeyFile.create(path: daemon.key, key: newDevice)
        _ = try await Self.anchoredJournal(site, directory: daemon.journal, batches: 1, batchRecords: true, device: newDevice, firstBatch: 3)

        // The new board's journal never held batches 1 and 2: they are the old board's, not a rollback.
        let new = try DaemonProcess.meterd(["journal", "verify", "--config", daemon.configuration])
        #expect(new.status == 0 && new.output.contains("1 batches on chain") && new.output.contains("the journal holds 1 of their anchored heads"), "\(new.output)")
        let old = try DaemonProcess.meterd(["journal", "verify", "--config", daemon.configuration, "--journal", replaced,
                                            "--address", site.chain.device.address.checksummed])
        #expect(old.status == 0 && old.output.contains("2 batches on chain") && old.output.contains("the journal holds 2 of their anchored heads"), "\(old.output)")
    }

    @Test func aGarbledLogFromTheNodeIsAClearError() async throws {
        let server = try HostileRPCServer()
        defer { server.stop() }
        let site = try await SettlementSite()
        defer { site.stop() }
        let daemon = try site.daemon(rpcURL: server.url("garbledlogs"))
        _ = try await Self.anchoredJournal(site, directory: daemon.journal, batches: 1, batchRecords: true)
        let result = try DaemonProcess.meterd(["journal", "verify", "--config", daemon.configuration])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("cannot read the agreement's batches on chain") && result.output.contains("is not the contract's event")
                && result.output.contains("--offline"), "\(result.output)")
    }
}
