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

/// Reads an agreement's batches from the chain: eth_getLogs for BatchSubmitted only, at most
/// `maximumRange` blocks a call, so a range of N blocks costs ceil(N / maximumRange) calls.
public enum BatchAnchors {
    /// A node's answer that cannot be this agreement's batches.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// The batches in blocks `first...last`, in batch order. `progress(blocksDone, blocksTotal)` is
    /// called after each call.
    public static func read(rpc: RPCClient, binding: AgreementBinding, from first: UInt64, to last: UInt64, maximumRange: UInt64,
                            progress: (UInt64, UInt64) -> Void = { _, _ in }) async throws -> [BatchAnchor] {
        guard first <= last else { return [] }
        let step = max(1, maximumRange)
        var anchors: [BatchAnchor] = []
        var start = first
        while start <= last {
            let end = last - start < step ? last : start + step - 1
            let logs = try await rpc.logs(LogFilter(fromBlock: start, toBlock: end, address: binding.contract,
                                                    eventTopics: [AgreementABI.batchSubmitted.topic]))
            for log in logs.filter({ !$0.removed }).sorted(by: { ($0.blockNumber, $0.logIndex) < ($1.blockNumber, $1.logIndex) }) {
                guard (start...end).contains(log.blockNumber) else {
                    throw Failure(description: "\(rpc.currentURL) answered eth_getLogs for blocks \(start) to \(end) with a log of block \(log.blockNumber): "
                                  + "the node is faulty; use another node in [chain] rpc_urls")
                }
                if let anchor = try decode(log, binding: binding, url: rpc.currentURL) { anchors.append(anchor) }
            }
            progress(end - first + 1, last - first + 1)
            if end == last { break }
            start = end + 1
        }
        for (earlier, later) in zip(anchors, anchors.dropFirst()) where later.batchSeq <= earlier.batchSeq {
            throw Failure(description: "\(rpc.currentURL) reports batch \(later.batchSeq) (block \(later.block)) after batch \(earlier.batchSeq) "
                          + "(block \(earlier.block)); the contract numbers batches one up: the node is faulty, use another in [chain] rpc_urls")
        }
        return anchors
    }

    private static func decode(_ log: Log, binding: AgreementBinding, url: String) throws -> BatchAnchor? {
        let event: ContractEvent?
        do { event = try binding.decode(log) } catch {
            throw Failure(description: "\(url) sent a BatchSubmitted log (block \(log.blockNumber), transaction \(Hex.encode(log.transactionHash))) "
                          + "that is not the contract's event: \(error); the node is faulty or hostile, use another in [chain] rpc_urls")
        }
        guard let event, case .batchSubmitted(let batchSeq, let firstSlot, let slotCount, _, _, _, let head) = event.event else { return nil }
        return BatchAnchor(batchSeq: batchSeq, firstSlot: firstSlot, slotCount: slotCount, journalHead: head,
                           block: log.blockNumber, transactionHash: log.transactionHash)
    }
}
