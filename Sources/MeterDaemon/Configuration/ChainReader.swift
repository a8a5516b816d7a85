import ChainClient

/// The `[chain]` table.
enum ChainReader {
    static func read(_ table: TableReader, defaultStateDirectory: String) -> ChainConfiguration? {
        defer { table.rejectUnknownKeys() }
        let urls = table.strings("rpc_urls", required: true)
        let chainID = table.integer("chain_id", required: true, in: 1...Int.max)
        let network = table.choice("network", as: NetworkProfile.self) ?? .ethereum
        let contractText = table.string("contract", required: true)
        let agreementID = table.integer("agreement_id", required: true, in: 0...Int.max)
        let confirmations = table.integer("confirmations", in: 0...1000) ?? (network == .besu ? 0 : 12)
        let finality = table.choice("finality", as: ChainConfiguration.FinalityChoice.self) ?? .depth
        let maxFeeGwei = table.number("max_fee_per_gas_gwei", in: 0...1_000_000) ?? 100
        let gasPrice = table.integer("gas_price_wei", in: 0...Int.max)
        let budget = table.integer("daily_gas_budget", in: 21_000...Int.max) ?? 5_000_000
        let margin = table.integer("gas_margin_percent", in: 0...300) ?? 25
        let replaceAfter = table.number("replace_after_seconds", in: 10...86_400) ?? 180
        let feeRefresh = table.number("fee_refresh_seconds", in: 0...86_400) ?? 60
        let receiptPoll = table.number("receipt_poll_seconds", in: 0.1...3600) ?? 5
        let watchInterval = table.number("watch_interval_seconds", in: 0.1...3600) ?? 120
        let startBlock = table.integer("start_block", in: 0...Int.max) ?? 0
        let logRange = table.integer("log_range_blocks", in: 1...1_000_000) ?? 2000
        let connect = table.integer("connect_timeout_ms", in: 100...120_000) ?? 5000
        let request = table.integer("request_timeout_ms", in: 100...600_000) ?? 20_000
        let maxBytes = table.integer("max_response_bytes", in: 4096...(1 << 30)) ?? 8 << 20
        let stateDirectory = table.string("state_dir") ?? defaultStateDirectory
        let batchSlots = table.integer("batch_slots", in: 1...AgreementBinding.maximumBatchSlots) ?? 96
        let batchMaxWait = table.number("batch_max_wait_seconds", in: 0...604_800) ?? 86_400
        let caFile = table.string("ca_file")
        let proxy = table.string("proxy")

        var valid = true
        if let urls {
            if urls.isEmpty { table.report("rpc_urls", "lists no URL", fix: "add the node's http:// or https:// URL"); valid = false }
            for problem in urls.compactMap(TransportURL.problemWithEndpoint) {
                table.report("rpc_urls", problem, fix: "write the node's JSON-RPC URL with its scheme, http:// or https://")
                valid = false
            }
        }
        var contract: Address?
        if let contractText {
            do { contract = try Address(contractText) } catch {
                table.report("contract", "\(error)", fix: "copy the address electro-admin deploy printed")
            }
        }
        if let proxy, let problem = TransportURL.problemWithProxy(proxy) {
            table.report("proxy", problem, fix: "write the proxy as http://host:port, https:// or socks5:// (user:password@ before the host if it asks for them)")
            valid = false
        }
        if network == .ethereum, gasPrice != nil {
            table.report("gas_price_wei", "is only used with network = \"besu\"", fix: "remove it, or set network = \"besu\"")
            valid = false
        }
        guard valid, let urls, let chainID, let contract, let agreementID else { return nil }
        return ChainConfiguration(
            rpcURLs: urls, chainID: UInt64(chainID), network: network, contract: contract, agreementID: UInt64(agreementID),
            confirmations: UInt64(confirmations), finality: finality, maxFeePerGas: UInt128((maxFeeGwei * 1e9).rounded()),
            gasPrice: gasPrice.map { UInt128($0) }, dailyGasBudget: UInt64(budget), gasMarginPercent: UInt64(margin),
            replaceAfterSeconds: replaceAfter, feeRefreshSeconds: feeRefresh, receiptPollSeconds: receiptPoll,
            watchIntervalSeconds: watchInterval, startBlock: UInt64(startBlock), logRangeBlocks: UInt64(logRange),
            connectTimeoutMs: connect, requestTimeoutMs: request, maxResponseBytes: maxBytes, caFile: caFile, proxy: proxy,
            stateDirectory: stateDirectory,
            batchSlots: batchSlots, batchMaxWaitSeconds: batchMaxWait)
    }
}
