/// How deep a block must be before its events count.
public enum Finality: Sendable, Equatable, CustomStringConvertible {
    /// This many blocks on top of it (0: the latest block).
    case depth(UInt64)
    /// The node's `safe` or `finalized` block (post-merge Ethereum).
    case safe
    case finalized

    public var description: String {
        switch self {
        case .depth(let blocks): return "\(blocks) blocks deep"
        case .safe: return "the safe block"
        case .finalized: return "the finalized block"
        }
    }
}

/// Where the watcher is: the next block to read.
public struct EventCursor: Sendable, Codable, Equatable {
    var nextBlock: UInt64

    init(nextBlock: UInt64) {
        self.nextBlock = nextBlock
    }
}

/// Reads the contract's events from confirmed blocks with eth_getLogs, decodes them and hands them to
/// the daemon in block order, then moves its persisted cursor: an event is delivered at least once,
/// also across restarts. Logs marked `removed` are dropped, and one below the cursor rewinds it.
///
/// Blocks are read once they are final by `finality`; that depth is the protection against
/// reorganisations: a check reads no block header to look for deeper ones (each would cost two calls a
/// check, the most of a day's calls on a paid node). Where a reorganisation deeper than the configured
/// depth is possible, `.finalized` rules it out.
public actor EventWatcher {
    let rpc: RPCClient
    let binding: AgreementBinding
    let finality: Finality
    /// Most blocks one eth_getLogs asks for (providers limit the range).
    let maximumRange: UInt64
    /// When set, events are read only from a node that serves this chain (checked again after a failover).
    let chainID: UInt64?
    private let chainCheck: ChainIdentityCheck?
    private let store: any StateStore<EventCursor>
    private(set) var cursor: EventCursor
    /// One `poll` at a time: two interleaved would deliver a range twice.
    private var busy = false
    private var queued: [CheckedContinuation<Void, Never>] = []

    public init(rpc: RPCClient, binding: AgreementBinding, finality: Finality, startBlock: UInt64,
                maximumRange: UInt64 = 2000, chainID: UInt64? = nil, store: any StateStore<EventCursor>) throws {
        self.rpc = rpc
        self.chainID = chainID
        chainCheck = chainID.map(ChainIdentityCheck.init(expected:))
        self.binding = binding
        self.finality = finality
        self.maximumRange = max(1, maximumRange)
        self.store = store
        cursor = try store.load() ?? EventCursor(nextBlock: startBlock)
    }

    /// The newest block whose events count.
    public func confirmedHead() async throws -> UInt64 {
        switch finality {
        case .depth(let blocks):
            let latest = try await rpc.blockNumber()
            return latest >= blocks ? latest - blocks : 0
        case .safe, .finalized:
            let tag: BlockTag = finality == .safe ? .safe : .finalized
            guard let header = try await rpc.block(tag) else {
                throw ChainClientError.malformed("the node has no \(tag) block; set [chain] finality = \"depth\"")
                    .during("eth_getBlockByNumber", at: rpc.currentURL)
            }
            return header.number
        }
    }

    /// Delivers every new event of confirmed blocks, at most `maximumRange` blocks per request, moving
    /// the cursor after each range. Returns how many events were delivered. A check costs one call (the
    /// head) without a new confirmed block and one eth_getLogs more per `maximumRange` new blocks.
    @discardableResult
    public func poll(deliver: (ContractEvent) async throws -> Void) async throws -> Int {
        if busy { await withCheckedContinuation { queued.append($0) } } else { busy = true }
        defer { if queued.isEmpty { busy = false } else { queued.removeFirst().resume() } }
        try await chainCheck?.verify(rpc)
        let head = try await confirmedHead()
        var delivered = 0
        while cursor.nextBlock <= head {
            let last = min(head, cursor.nextBlock + maximumRange - 1)
            let logs = try await rpc.logs(LogFilter(fromBlock: cursor.nextBlock, toBlock: last, address: binding.contract,
                                                    eventTopics: AgreementABI.events.map(\.topic)))
            if let removed = logs.filter(\.removed).map(\.blockNumber).min(), removed < cursor.nextBlock {
                try rewind(to: removed)
                return delivered
            }
            for event in try decode(logs) {
                try await deliver(event)
                delivered += 1
            }
            cursor = EventCursor(nextBlock: last + 1)
            try store.save(cursor)
        }
        return delivered
    }

    /// The decoded events of a block range, without touching the cursor (`meterd chain events`).
    public func events(from first: UInt64, to last: UInt64) async throws -> [ContractEvent] {
        var events: [ContractEvent] = []
        var start = first
        while start <= last {
            let end = min(last, start + maximumRange - 1)
            let logs = try await rpc.logs(LogFilter(fromBlock: start, toBlock: end, address: binding.contract,
                                                    eventTopics: AgreementABI.events.map(\.topic)))
            events += try decode(logs)
            start = end + 1
        }
        return events
    }

    private func decode(_ logs: [Log]) throws -> [ContractEvent] {
        let current = logs.filter { !$0.removed }.sorted { ($0.blockNumber, $0.logIndex) < ($1.blockNumber, $1.logIndex) }
        return try current.compactMap { try binding.decode($0) }
    }

    private func rewind(to block: UInt64) throws {
        cursor = EventCursor(nextBlock: min(block, cursor.nextBlock))
        try store.save(cursor)
    }
}
