/// The standard Ethereum JSON-RPC methods meterd uses, with typed arguments and results.
extension RPCClient {
    private func typed<T>(_ method: String, _ params: [JSONValue], _ read: (JSONValue) throws(ChainClientError) -> T) async throws(ChainClientError) -> T {
        let result = try await call(method, params)
        do { return try read(result) } catch {
            throw error.during(method, at: currentURL)
        }
    }

    public func chainID() async throws(ChainClientError) -> UInt64 {
        try await typed("eth_chainId", []) { (value) throws(ChainClientError) in try value.quantity(UInt64.self, "the chain id") }
    }

    public func blockNumber() async throws(ChainClientError) -> UInt64 {
        try await typed("eth_blockNumber", []) { (value) throws(ChainClientError) in try value.quantity(UInt64.self, "the block number") }
    }

    func balance(of address: Address, at tag: BlockTag = .latest) async throws(ChainClientError) -> UInt128 {
        try await typed("eth_getBalance", [.data(address.bytes), tag.json]) { (value) throws(ChainClientError) in try value.quantity(UInt128.self, "the balance") }
    }

    func transactionCount(of address: Address, at tag: BlockTag = .pending) async throws(ChainClientError) -> UInt64 {
        try await typed("eth_getTransactionCount", [.data(address.bytes), tag.json]) { (value) throws(ChainClientError) in try value.quantity(UInt64.self, "the nonce") }
    }

    func gasPrice() async throws(ChainClientError) -> UInt128 {
        try await typed("eth_gasPrice", []) { (value) throws(ChainClientError) in try value.quantity(UInt128.self, "the gas price") }
    }

    func maxPriorityFeePerGas() async throws(ChainClientError) -> UInt128 {
        try await typed("eth_maxPriorityFeePerGas", []) { (value) throws(ChainClientError) in try value.quantity(UInt128.self, "the priority fee") }
    }

    func feeHistory(blocks: Int, percentiles: [Int]) async throws(ChainClientError) -> FeeHistory {
        let params: [JSONValue] = [.quantity(UInt64(blocks)), .string("latest"), .array(percentiles.map { .number(String($0)) })]
        return try await typed("eth_feeHistory", params, Self.feeHistory)
    }

    func estimateGas(from: Address, to: Address, data: [UInt8]) async throws(ChainClientError) -> UInt64 {
        let call: JSONValue = .object(["from": .data(from.bytes), "to": .data(to.bytes), "data": .data(data)])
        return try await typed("eth_estimateGas", [call]) { (value) throws(ChainClientError) in try value.quantity(UInt64.self, "the gas estimate") }
    }

    public func call(from: Address? = nil, to: Address, data: [UInt8], at tag: BlockTag = .latest) async throws(ChainClientError) -> [UInt8] {
        var object: [String: JSONValue] = ["to": .data(to.bytes), "data": .data(data)]
        if let from { object["from"] = .data(from.bytes) }
        return try await typed("eth_call", [.object(object), tag.json]) { (value) throws(ChainClientError) in try value.data("the call result") }
    }

    /// Returns the transaction hash the node computed.
    func sendRawTransaction(_ raw: [UInt8]) async throws(ChainClientError) -> [UInt8] {
        try await typed("eth_sendRawTransaction", [.data(raw)]) { (value) throws(ChainClientError) in try value.data("the transaction hash", size: 32) }
    }

    /// Whether the node has the transaction, in its pool or in a block (eth_getTransactionByHash is not null).
    func knowsTransaction(_ hash: [UInt8]) async throws(ChainClientError) -> Bool {
        try await typed("eth_getTransactionByHash", [.data(hash)]) { (value) throws(ChainClientError) in !value.isNull }
    }

    /// nil while the transaction is not in a block of the canonical chain.
    func receipt(of hash: [UInt8]) async throws(ChainClientError) -> TransactionReceipt? {
        try await typed("eth_getTransactionReceipt", [.data(hash)], Self.receipt)
    }

    /// nil when the node does not know the block (e.g. `safe` on a pre-merge node answers an error instead).
    func block(_ tag: BlockTag) async throws(ChainClientError) -> BlockHeader? {
        try await typed("eth_getBlockByNumber", [tag.json, .bool(false)], Self.blockHeader)
    }

    func logs(_ filter: LogFilter) async throws(ChainClientError) -> [Log] {
        let object: JSONValue = .object([
            "fromBlock": .quantity(filter.fromBlock), "toBlock": .quantity(filter.toBlock), "address": .data(filter.address.bytes),
            "topics": .array([.array(filter.eventTopics.map { .data($0) })]),
        ])
        return try await typed("eth_getLogs", [object], Self.logs)
    }

    // The answers' decoders, apart from the calls so the fuzz targets (Fuzz/) reach them without a node.

    static func feeHistory(_ value: JSONValue) throws(ChainClientError) -> FeeHistory {
        let bases = try value.member("baseFeePerGas", of: "the fee history").items("baseFeePerGas")
        var baseFees: [UInt128] = []
        for base in bases.prefix(1025) { baseFees.append(try base.quantity(UInt128.self, "a base fee")) }
        guard !baseFees.isEmpty else { throw ChainClientError.malformed("the fee history has no base fee") }
        var rewards: [[UInt128]] = []
        if let reward = value["reward"], !reward.isNull {
            for row in try reward.items("reward").prefix(1024) {
                var fees: [UInt128] = []
                for fee in try row.items("a reward row").prefix(100) { fees.append(try fee.quantity(UInt128.self, "a reward")) }
                rewards.append(fees)
            }
        }
        return FeeHistory(baseFeePerGas: baseFees, rewards: rewards)
    }

    static func receipt(_ value: JSONValue) throws(ChainClientError) -> TransactionReceipt? {
        if value.isNull { return nil }
        let what = "the receipt"
        let status = try value.member("status", of: what).quantity(UInt8.self, "status")
        var logs: [Log] = []
        for log in try value.member("logs", of: what).items("logs") { logs.append(try Self.log(log)) }
        var price: UInt128?
        if let effective = value["effectiveGasPrice"], !effective.isNull { price = try effective.quantity(UInt128.self, "effectiveGasPrice") }
        return TransactionReceipt(
            transactionHash: try value.member("transactionHash", of: what).data("transactionHash", size: 32),
            blockNumber: try value.member("blockNumber", of: what).quantity(UInt64.self, "blockNumber"),
            blockHash: try value.member("blockHash", of: what).data("blockHash", size: 32),
            succeeded: status == 1, gasUsed: try value.member("gasUsed", of: what).quantity(UInt64.self, "gasUsed"),
            effectiveGasPrice: price, logs: logs)
    }

    static func blockHeader(_ value: JSONValue) throws(ChainClientError) -> BlockHeader? {
        if value.isNull { return nil }
        var baseFee: UInt128?
        if let base = value["baseFeePerGas"], !base.isNull { baseFee = try base.quantity(UInt128.self, "baseFeePerGas") }
        return BlockHeader(
            number: try value.member("number", of: "the block").quantity(UInt64.self, "number"),
            hash: try value.member("hash", of: "the block").data("hash", size: 32),
            timestamp: try value.member("timestamp", of: "the block").quantity(UInt64.self, "timestamp"),
            baseFeePerGas: baseFee)
    }

    static func logs(_ value: JSONValue) throws(ChainClientError) -> [Log] {
        var logs: [Log] = []
        for item in try value.items("the logs") { logs.append(try log(item)) }
        return logs
    }

    static func log(_ value: JSONValue) throws(ChainClientError) -> Log {
        let what = "a log"
        var topics: [[UInt8]] = []
        let topicItems = try value.member("topics", of: what).items("topics")
        guard topicItems.count <= 4 else { throw ChainClientError.malformed("a log has \(topicItems.count) topics, at most 4 exist") }
        for topic in topicItems { topics.append(try topic.data("a topic", size: 32)) }
        var removed = false
        if case .bool(let flag) = value["removed"] { removed = flag }
        return Log(
            address: try value.member("address", of: what).address("the log's address"), topics: topics,
            data: try value.member("data", of: what).data("the log's data"),
            blockNumber: try value.member("blockNumber", of: what).quantity(UInt64.self, "blockNumber"),
            blockHash: try value.member("blockHash", of: what).data("blockHash", size: 32),
            transactionHash: try value.member("transactionHash", of: what).data("transactionHash", size: 32),
            logIndex: try value.member("logIndex", of: what).quantity(UInt64.self, "logIndex"),
            removed: removed)
    }
}
