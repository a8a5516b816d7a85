// Chain benchmark: signed transactions per second (encoding and signing only), and JSON-RPC calls per
// submitted batch in steady state against the development chain, in both network profiles.
//
//     swift build -c release --product ChainBenchmark && .build/release/ChainBenchmark
//
// The development chain is started with the repository's .venv (or $PYTHON); the contract is deployed
// and the agreement proposed and accepted with contracts/electro-admin.
import ChainClient
import Foundation
import Glibc

let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let python = ProcessInfo.processInfo.environment["PYTHON"] ?? repository.appendingPathComponent(".venv/bin/python").path

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

// MARK: signing

func signingRate(fee: TransactionFee, count: Int) throws -> Double {
    let key = try PrivateKey(bytes: Keccak256.hash(Array("benchmark".utf8)))
    let binding = AgreementBinding(contract: try Address("0x5FbDB2315678afecb367f032d93F642f64180aa3"), agreementID: 1)
    let slots = (0..<96).map { UInt32($0 * 37 % 5000) }
    let head = Keccak256.hash([1])
    var sink = 0
    let elapsed = try seconds {
        for index in 0..<count {
            let data = try binding.submitBatchCall(batchSeq: UInt64(index + 1), firstSlot: UInt64(index * 96), slots: slots, journalHead: head)
            let transaction = Transaction(chainID: 1, nonce: UInt64(index), gasLimit: 150_000, to: binding.contract, data: data, fee: fee)
            sink &+= Int(try transaction.signed(with: key).raw.last!)
        }
    }
    if sink == -1 { print(sink) }
    return Double(count) / elapsed
}

// MARK: RPC calls per batch

struct DevChainProcess {
    let process = Process()
    let url: String
    let keys: [String]

    init(besu: Bool) throws {
        let wrapper = """
            import runpy, signal, sys
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
            sys.argv = ["devchain"] + sys.argv[1:]
            runpy.run_module("contracts.devchain", run_name="__main__")
            """
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", wrapper, "--port", "0", "--accounts", "2"] + (besu ? ["--besu"] : [])
        process.currentDirectoryURL = repository
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while read(output.fileHandleForReading.fileDescriptor, &byte, 1) == 1, byte != UInt8(ascii: "\n") { line.append(byte) }
        let start = try JSONSerialization.jsonObject(with: Data(line)) as! [String: Any]
        url = start["url"] as! String
        keys = (start["accounts"] as! [[String: Any]]).map { $0["private_key"] as! String }
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }

    func admin(_ arguments: [String]) throws -> [String: Any] {
        let admin = Process()
        admin.executableURL = URL(fileURLWithPath: python)
        admin.arguments = [repository.appendingPathComponent("contracts/electro-admin").path, "--rpc", url, "--json"] + arguments
        admin.environment = ProcessInfo.processInfo.environment.merging(["ELECTRO_ADMIN_KEY": keys[0]]) { $1 }
        admin.currentDirectoryURL = repository
        let output = Pipe()
        admin.standardOutput = output
        admin.standardError = FileHandle.nullDevice
        try admin.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        admin.waitUntilExit()
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }
}

/// Unix time that moves only when told: batches `interval` seconds apart without waiting for them.
final class BenchmarkClock: @unchecked Sendable {
    var now = Date().timeIntervalSince1970
}

func callsPerBatch(besu: Bool, batches: Int, interval: Double, confirmations: UInt64, fixedPrice: UInt128?) async throws -> (perBatch: Double, methods: [String: Int]) {
    let chain = try DevChainProcess(besu: besu)
    defer { chain.stop() }
    let device = try PrivateKey(bytes: Hex.decode(chain.keys[1]))
    let utility = try PrivateKey(bytes: Hex.decode(chain.keys[0]))
    let contract = try Address(chain.admin(["deploy"])["address"] as! String)
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("bench-agreement-\(getpid()).toml")
    try """
        consumer = "\(utility.address.checksummed)"
        device = "\(device.address.checksummed)"
        period_start = \(Int(Date().timeIntervalSince1970) - 28800 * 900)
        slot_seconds = 900
        slots_per_period = 28800
        bonus_per_period = 50000
        penalty_per_slot = 200
        emergency_penalty = 10000
        grace_seconds = 172800
        unmeasured_allowance = 0
        [profile]
        uniform = [500, 4000]
        slots = 96
        """.write(to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    // The utility is its own consumer here: the benchmark counts the device's calls, not consent.
    let created = try chain.admin(["--contract", contract.checksummed, "propose", "--file", file.path])
    _ = try chain.admin(["--contract", contract.checksummed, "accept", String(created["agreement_id"] as! Int)])
    let binding = AgreementBinding(contract: contract, agreementID: UInt64(created["agreement_id"] as! Int))
    let rpc = RPCClient(urls: [chain.url])
    let clock = BenchmarkClock()
    let fees = FeePolicy(profile: besu ? .besu : .ethereum, ceilingPerGas: 100_000_000_000, fixedGasPrice: fixedPrice, dailyGasBudget: 1_000_000_000)
    let sender = try TransactionSender(
        rpc: rpc, key: device, settings: .init(chainID: 1337, fees: fees, confirmations: confirmations),
        store: FileStateStore(path: FileManager.default.temporaryDirectory.appendingPathComponent("bench-sender-\(getpid()).json").path),
        completion: BatchCompletionCheck(binding: binding, rpc: rpc), clock: { clock.now })
    let miner = RPCClient(urls: [chain.url])
    let slots = (0..<96).map { UInt32(1000 + $0) }
    func submit(_ seq: UInt64) async throws {
        let data = try binding.submitBatchCall(batchSeq: seq, firstSlot: (seq - 1) * 96, slots: slots, journalHead: Keccak256.hash([UInt8(seq & 0xFF)]))
        clock.now += interval
        _ = try await sender.submit(.batch(agreementID: binding.agreementID, batchSeq: seq), to: contract, data: data)
        while await !sender.pending.isEmpty {
            for outcome in try await sender.poll() {
                guard case .confirmed = outcome else { fatalError("batch \(seq): \(outcome)") }
            }
            // Other traffic makes the blocks that bury the transaction (not counted: another client);
            // the daemon polls once per `confirmations` blocks (receipt_poll_seconds set to match).
            if await !sender.pending.isEmpty {
                for _ in 0..<max(1, confirmations) { _ = try await miner.call("evm_mine") }
            }
        }
    }
    try await submit(1)  // warm-up: chain id, nonce, gas estimate and fees are read once
    let before = rpc.callCounts
    for seq in 2...UInt64(batches + 1) { try await submit(seq) }
    var methods: [String: Int] = [:]
    for (method, count) in rpc.callCounts { methods[method] = count - (before[method] ?? 0) }
    methods = methods.filter { $0.value > 0 }
    return (Double(methods.values.reduce(0, +)) / Double(batches), methods)
}

let signings = 2000
print("ChainBenchmark (\(signings) submit_batch transactions of 96 slots each)")
for (name, fee) in [("EIP-1559", TransactionFee.eip1559(maxFeePerGas: 30_000_000_000, maxPriorityFeePerGas: 1_000_000_000)),
                    ("legacy EIP-155", .legacy(gasPrice: 0))] {
    _ = try signingRate(fee: fee, count: 100)
    let rate = try signingRate(fee: fee, count: signings)
    print(String(format: "  signed %@ transactions per second (ABI encoding, RLP, keccak, secp256k1): %.0f", name, rate))
}
let batches = 30
let cases: [(Bool, Double, UInt64, UInt128?)] = [(false, 10, 0, nil), (false, 900, 0, nil), (false, 900, 2, nil), (true, 900, 0, nil), (true, 900, 0, 0), (true, 900, 2, nil)]
for (besu, interval, confirmations, fixedPrice) in cases {
    let result = try await callsPerBatch(besu: besu, batches: batches, interval: interval, confirmations: confirmations, fixedPrice: fixedPrice)
    let breakdown = result.methods.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    print(String(format: "  RPC calls per batch, %@ profile, batches %.0f s apart, %d confirmations (one poll per %d blocks): %.2f (%@)",
                 besu ? (fixedPrice != nil ? "besu (gas_price_wei = 0)" : "besu") : "ethereum", interval, Int(confirmations), max(1, Int(confirmations)), result.perBatch, breakdown))
}
