import ChainClient

/// The agreement's batches on the configured chain, from a block to the newest confirmed one (as
/// `[chain] finality` says): one eth_chainId, one call for the confirmed head, one eth_getLogs per
/// `log_range_blocks` blocks, and when there are batches, one for the agreement's device at that head.
public enum ChainAnchorReader {
    public struct Reading: Sendable {
        public var anchors: [BatchAnchor]
        public var firstBlock: UInt64
        public var confirmedHead: UInt64
    }

    /// The batches that anchored `device`'s journal (see `BatchAnchors.anchors(of:in:currentDevice:)`).
    public static func read(chain: ChainConfiguration, rpc: RPCClient, from first: UInt64, device: Address,
                            progress: (UInt64, UInt64) -> Void = { _, _ in }) async throws -> Reading {
        try await ChainIdentityCheck(expected: chain.chainID).verify(rpc)
        let watcher = try EventWatcher(rpc: rpc, binding: chain.binding, finality: chain.eventFinality, startBlock: first,
                                       maximumRange: chain.logRangeBlocks, store: MemoryStateStore<EventCursor>())
        let head = try await watcher.confirmedHead()
        let entries = try await BatchAnchors.read(rpc: rpc, binding: chain.binding, from: first, to: head, maximumRange: chain.logRangeBlocks,
                                                  progress: progress)
        var anchors: [BatchAnchor] = []
        if entries.contains(where: { if case .batch = $0 { true } else { false } }) {
            let currentDevice = try await chain.binding.agreement(rpc: rpc, at: .number(head)).device
            anchors = BatchAnchors.anchors(of: device, in: entries, currentDevice: currentDevice)
        }
        return Reading(anchors: anchors, firstBlock: first, confirmedHead: head)
    }
}
