/// One batch as the chain holds it (its BatchSubmitted event): the slots it settled and the journal
/// head it anchored.
public struct BatchAnchor: Sendable, Equatable {
    public var batchSeq: UInt64
    public var firstSlot: UInt64
    public var slotCount: UInt64
    public var journalHead: [UInt8]
    public var block: UInt64
    public var transactionHash: [UInt8]

    init(batchSeq: UInt64, firstSlot: UInt64, slotCount: UInt64, journalHead: [UInt8], block: UInt64, transactionHash: [UInt8]) {
        self.batchSeq = batchSeq
        self.firstSlot = firstSlot
        self.slotCount = slotCount
        self.journalHead = journalHead
        self.block = block
        self.transactionHash = transactionHash
    }
}

/// Reads an agreement's batches from the chain: eth_getLogs for BatchSubmitted and DeviceChanged, at
/// most `maximumRange` blocks a call, so a range of N blocks costs ceil(N / maximumRange) calls.
public enum BatchAnchors {
    /// What the logs say, in chain order.
    public enum Entry: Sendable, Equatable {
        case batch(BatchAnchor)
        case deviceChanged(old: Address, new: Address)
    }

    /// The batches and device changes in blocks `first...last`, in chain order (batches checked to be
    /// in batch order). `progress(blocksDone, blocksTotal)` is called after each call.
    public static func read(rpc: RPCClient, binding: AgreementBinding, from first: UInt64, to last: UInt64, maximumRange: UInt64,
                            progress: (UInt64, UInt64) -> Void = { _, _ in }) async throws -> [Entry] {
        let entries = try await entries(rpc: rpc, binding: binding, from: first, to: last, maximumRange: maximumRange, progress: progress)
        let anchors = entries.compactMap { if case .batch(let anchor) = $0 { anchor } else { nil } }
        for (earlier, later) in zip(anchors, anchors.dropFirst()) where later.batchSeq <= earlier.batchSeq {
            throw ChainClientError.faultyLogs("\(rpc.currentURL) reports batch \(later.batchSeq) (block \(later.block)) after batch \(earlier.batchSeq) "
                          + "(block \(earlier.block)); the contract numbers batches one up: the node is faulty, use another in [chain] rpc_urls")
        }
        return entries
    }

    /// The batches among `entries` that anchored `device`'s journal: a batch belongs to the device the
    /// agreement named when it was sent (before a DeviceChanged, its old device; after the last one,
    /// `currentDevice`). Another device's batches anchored another journal (the one before a meter or
    /// board swap) and are not looked for in this one.
    public static func anchors(of device: Address, in entries: [Entry], currentDevice: Address) -> [BatchAnchor] {
        var kept: [BatchAnchor] = []
        var era: [BatchAnchor] = []
        for entry in entries {
            switch entry {
            case .batch(let anchor):
                era.append(anchor)
            case .deviceChanged(let old, _):
                if old == device { kept += era }
                era = []
            }
        }
        return currentDevice == device ? kept + era : kept
    }

    private static func entries(rpc: RPCClient, binding: AgreementBinding, from first: UInt64, to last: UInt64, maximumRange: UInt64,
                                progress: (UInt64, UInt64) -> Void) async throws -> [Entry] {
        guard first <= last else { return [] }
        let step = max(1, maximumRange)
        var entries: [Entry] = []
        var start = first
        while start <= last {
            let end = last - start < step ? last : start + step - 1
            let logs = try await rpc.logs(LogFilter(fromBlock: start, toBlock: end, address: binding.contract,
                                                    eventTopics: [AgreementABI.batchSubmitted.topic, AgreementABI.deviceChanged.topic]))
            for log in logs.filter({ !$0.removed }).sorted(by: { ($0.blockNumber, $0.logIndex) < ($1.blockNumber, $1.logIndex) }) {
                guard (start...end).contains(log.blockNumber) else {
                    throw ChainClientError.faultyLogs("\(rpc.currentURL) answered eth_getLogs for blocks \(start) to \(end) with a log of block \(log.blockNumber): "
                                  + "the node is faulty; use another node in [chain] rpc_urls")
                }
                if let entry = try decode(log, binding: binding, url: rpc.currentURL) { entries.append(entry) }
            }
            progress(end - first + 1, last - first + 1)
            if end == last { break }
            start = end + 1
        }
        return entries
    }

    private static func decode(_ log: Log, binding: AgreementBinding, url: String) throws -> Entry? {
        let event: ContractEvent?
        do { event = try binding.decode(log) } catch {
            throw ChainClientError.faultyLogs("\(url) sent a log (block \(log.blockNumber), transaction \(Hex.encode(log.transactionHash))) "
                          + "that is not the contract's event: \(error); the node is faulty or hostile, use another in [chain] rpc_urls")
        }
        switch event?.event {
        case .batchSubmitted(let batchSeq, let firstSlot, let slotCount, _, _, _, let head):
            return .batch(BatchAnchor(batchSeq: batchSeq, firstSlot: firstSlot, slotCount: slotCount, journalHead: head,
                                      block: log.blockNumber, transactionHash: log.transactionHash))
        case .deviceChanged(let old, let new):
            return .deviceChanged(old: old, new: new)
        default:
            return nil
        }
    }
}
