@testable import ChainClient
import Drivers
import Foundation
@testable import MeterDaemon

/// A whole site for end-to-end tests: a development chain with the contract and an agreement of
/// two-second slots (accepted by its consumer unless the test asks for a bare proposal), a simulated SDM630 whose load runs sixty times faster than the clock, and a
/// meterd configuration that settles on that chain. The RPC URL meterd uses goes through `rpcURL`,
/// so a test can put a proxy in between.
final class SettlementSite: @unchecked Sendable {
    static let slotSeconds: UInt64 = 2
    static let interval: (min: UInt32, max: UInt32) = (400, 700)
    static let penaltyPerSlot: UInt64 = 200
    static let bonus: UInt64 = 50_000
    /// Unmeasured slots excused per period; the first ones of the period are, later ones are penalised.
    static let unmeasuredAllowance: UInt64 = 2

    let chain: DevChain
    let simulator: ModbusSimulator
    let contract: Address
    let agreement: UInt64

    init(accepted: Bool = true, blockTime: Double = 0.5) async throws {
        chain = try DevChain(blockTime: blockTime)
        contract = try await chain.deploy()
        let start = UInt64(Date().timeIntervalSince1970) / Self.slotSeconds * Self.slotSeconds
        agreement = try await chain.proposeAgreement(contract: contract, periodStart: start, slotSeconds: Self.slotSeconds,
                                                     slotsPerPeriod: 1800, interval: Self.interval,
                                                     unmeasuredAllowance: Self.unmeasuredAllowance)
        if accepted { try await chain.acceptAgreement(contract: contract, id: agreement) }
        simulator = try ModbusSimulator(units: [1: "eastron-sdm630"], extraArguments: ["--load-curve", "11", "--time-scale", "60"])
    }

    func stop() {
        simulator.stop()
        chain.stop()
    }

    /// A daemon for this site whose device key is the agreement's device.
    /// `tables`: more of the configuration ([relay], [limiter]); `{state}` stands for the daemon's state directory.
    func daemon(rpcURL: String? = nil, batchSlots: Int = 3, tables: String = "") throws -> DaemonProcess {
        let daemon = try DaemonProcess(configuration: """
            [meterd]
            profile_dirs = ["\(ModbusSimulator.profiles)"]
            clock = "trusted"
            poll_interval_seconds = 0.25
            [journal]
            fsync = "group"
            [buses.sim]
            kind = "modbus-tcp"
            host = "127.0.0.1"
            port = \(simulator.tcpPort!)
            response_timeout_ms = 300
            retries = 0
            [meters.main]
            bus = "sim"
            unit_id = 1
            profile = "eastron-sdm630"
            [chain]
            rpc_urls = ["\(rpcURL ?? chain.url)"]
            chain_id = \(chain.chainID)
            network = "ethereum"
            contract = "\(contract.checksummed)"
            agreement_id = \(agreement)
            confirmations = 1
            receipt_poll_seconds = 0.3
            watch_interval_seconds = 0.5
            request_timeout_ms = 2000
            connect_timeout_ms = 500
            batch_slots = \(batchSlots)
            batch_max_wait_seconds = 3
            \(tables)
            """)
        try FileManager.default.removeItem(atPath: daemon.key)
        try DeviceKeyFile.create(path: daemon.key, key: chain.device)
        return daemon
    }

    /// Every batch on chain, from the BatchSubmitted events and each transaction's own calldata:
    /// (batch number, first slot, the values as sent).
    /// The batches in blocks up to `block` (the latest when nil).
    func batchesOnChain(upTo block: UInt64? = nil) async throws -> [(batch: UInt64, firstSlot: UInt64, values: [UInt32])] {
        let latest: UInt64
        if let block { latest = block } else { latest = try await chain.rpc.blockNumber() }
        let logs = try await chain.rpc.logs(LogFilter(fromBlock: 0, toBlock: latest, address: contract, eventTopics: [AgreementABI.batchSubmitted.topic]))
        var batches: [(UInt64, UInt64, [UInt32])] = []
        for log in logs {
            let transaction = try await chain.rpc.call("eth_getTransactionByHash", [.string(Hex.encode(log.transactionHash))])
            guard case .string(let input)? = transaction["input"] else { throw DevChain.Failure(description: "no input") }
            batches.append(try Self.decodeSubmitBatch(Hex.decode(input)))
        }
        return batches
    }

    /// Every transaction of the device key in a block, in chain order: its nonce, the batch number its
    /// calldata carries, and whether it succeeded.
    func deviceTransactionsOnChain() async throws -> [(nonce: UInt64, batch: UInt64, succeeded: Bool)] {
        var found: [(UInt64, UInt64, Bool)] = []
        let device = Hex.encode(chain.device.address.bytes).lowercased()
        for number in 0...(try await chain.rpc.blockNumber()) {
            let block = try await chain.rpc.call("eth_getBlockByNumber", [.string("0x" + String(number, radix: 16)), .bool(true)])
            guard case .array(let transactions)? = block["transactions"] else { throw DevChain.Failure(description: "block \(number) has no transactions") }
            for transaction in transactions where transaction["from"]?.text?.lowercased() == device {
                guard let hash = transaction["hash"]?.text, let input = transaction["input"]?.text, let nonce = transaction["nonce"]?.text,
                      let receipt = try await chain.rpc.receipt(of: Hex.decode(hash)) else { throw DevChain.Failure(description: "a transaction without its fields") }
                found.append((UInt64(nonce.dropFirst(2), radix: 16)!, try Self.decodeSubmitBatch(Hex.decode(input)).0, receipt.succeeded))
            }
        }
        return found
    }

    /// submit_batch(uint256 agreement, uint64 batch, uint64 first, uint16 count, uint256[] packed, bytes32 head),
    /// decoded by hand (independently of meterd's ABI code): 8 big-endian uint32 values a word.
    static func decodeSubmitBatch(_ data: [UInt8]) throws -> (UInt64, UInt64, [UInt32]) {
        func word(_ index: Int) -> ArraySlice<UInt8> { data[(4 + 32 * index)..<(4 + 32 * (index + 1))] }
        func integer(_ bytes: ArraySlice<UInt8>) -> UInt64 { bytes.suffix(8).reduce(0) { $0 << 8 | UInt64($1) } }
        let batch = integer(word(1)), first = integer(word(2)), count = Int(integer(word(3)))
        let offset = Int(integer(word(4))) / 32
        let words = Int(integer(word(offset)))
        var values: [UInt32] = []
        for index in 0..<words {
            let bytes = word(offset + 1 + index)
            for lane in 0..<8 {
                let start = bytes.startIndex + lane * 4
                values.append(bytes[start..<(start + 4)].reduce(0) { $0 << 8 | UInt32($1) })
            }
        }
        return (batch, first, Array(values.prefix(count)))
    }

    /// Slot values as the journal closed them, in the contract's encoding.
    static func journaledSlots(_ daemon: DaemonProcess) throws -> [UInt64: UInt32] {
        var slots: [UInt64: UInt32] = [:]
        for record in try JournalReader(directory: daemon.journal).records() {
            if case .slotClosed(let slot) = record.payload {
                slots[slot.slotIndex] = AgreementBinding.slotValue(wattHours: slot.consumptionWattHours)
            }
        }
        return slots
    }
}
