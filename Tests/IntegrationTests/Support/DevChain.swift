@testable import ChainClient
import Foundation
import Glibc

/// The project's development chain (contracts/devchain) as a child process for one test: started on a
/// free loopback port, ready once its start line arrives, killed when the test ends. It runs through
/// a small wrapper that unblocks SIGTERM (a Swift test hands its blocked signal mask to children).
final class DevChain: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var python: String {
        ProcessInfo.processInfo.environment["PYTHON"] ?? repository.appendingPathComponent(".venv/bin/python").path
    }

    private let process = Process()
    let url: String
    let chainID: UInt64
    let besu: Bool
    /// The funded development accounts: 0 acts as the utility, 1 as the device, 2 as the consumer, 3 as
    /// the device that replaces it.
    let keys: [PrivateKey]
    let rpc: RPCClient

    /// With --block-time, the utility's own calls mine their block instead of waiting for it.
    var autoMineWhileWaiting = false

    var utility: PrivateKey { keys[0] }
    var device: PrivateKey { keys[1] }
    var consumer: PrivateKey { keys[2] }
    var replacementDevice: PrivateKey { keys[3] }

    init(besu: Bool = false, chainID: UInt64 = 1337, blockTime: Double? = nil) throws {
        var arguments = ["--port", "0", "--chain-id", String(chainID), "--accounts", "4"]
        if besu { arguments.append("--besu") }
        if let blockTime { arguments += ["--block-time", String(blockTime)] }
        let wrapper = """
            import runpy, signal, sys
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
            sys.argv = ["devchain"] + sys.argv[1:]
            runpy.run_module("contracts.devchain", run_name="__main__")
            """
        process.executableURL = URL(fileURLWithPath: Self.python)
        process.arguments = ["-c", wrapper] + arguments
        process.currentDirectoryURL = Self.repository
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        guard let line = ChildProcess.firstLine(of: output.fileHandleForReading, timeout: 90),
              let start = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let url = start["url"] as? String, let accounts = start["accounts"] as? [[String: Any]] else {
            ChildProcess.stop(process, grace: 0)
            throw Failure(description: "the development chain did not start (\(Self.python) -m contracts.devchain \(arguments))")
        }
        self.url = url
        self.chainID = chainID
        self.besu = besu
        keys = try accounts.map { try PrivateKey(bytes: Hex.decode($0["private_key"] as! String)) }
        rpc = RPCClient(urls: [url])
    }

    deinit { stop() }

    func stop() { ChildProcess.stop(process, grace: 2) }

    // MARK: test-only node methods

    func snapshot() async throws -> JSONValue { try await rpc.call("evm_snapshot") }
    func revert(_ snapshot: JSONValue) async throws { _ = try await rpc.call("evm_revert", [snapshot]) }
    func mine(blocks: Int = 1) async throws { for _ in 0..<blocks { _ = try await rpc.call("evm_mine") } }

    // MARK: the utility's side

    /// Deploys contracts/build/Agreements.json with the utility's key (a contract creation, which meterd
    /// itself never sends, so it is built here by hand).
    func deploy() async throws -> Address {
        let build = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.repository.appendingPathComponent("contracts/build/Agreements.json"))) as! [String: Any]
        let code = try Hex.decode(build["bytecode"] as! String)
        let nonce = try await rpc.transactionCount(of: utility.address)
        let price: UInt128 = besu ? 0 : 10_000_000_000
        let fields: [RLPItem] = [.uint(nonce), .uint(price), .uint(UInt64(6_000_000)), .bytes([]), .bytes([]), .bytes(code)]
        let digest = Keccak256.hash(RLPItem.list(fields + [.uint(chainID), .bytes([]), .bytes([])]).encoded)
        let signature = try utility.sign(digest: digest)
        let raw = RLPItem.list(fields + [.uint(chainID * 2 + 35 + UInt64(signature.recoveryID)),
                                         .bytes(Array(signature.r.drop { $0 == 0 })), .bytes(Array(signature.s.drop { $0 == 0 }))]).encoded
        let hash = try await rpc.sendRawTransaction(raw)
        let receipt = try await waitForReceipt(hash)
        guard receipt.succeeded else { throw Failure(description: "deployment reverted") }
        // The contract address: keccak(rlp([sender, nonce]))[12...].
        return try Address(bytes: Array(Keccak256.hash(RLPItem.list([.bytes(utility.address.bytes), .uint(nonce)]).encoded).suffix(20)))
    }

    static let proposeAgreement = ABIFunction(name: "propose_agreement", inputs: [
        .address, .address, .uint(256), .uint(256), .uint(256), .bytes, .uint(256), .uint(256), .uint(256), .uint(256),
        .uint(256), .uint(256), .uint(256)])
    static let acceptAgreement = ABIFunction(name: "accept_agreement", inputs: [.uint(256)])
    static let proposeDevice = ABIFunction(name: "propose_device", inputs: [.uint(256), .address])
    static let acceptDevice = ABIFunction(name: "accept_device", inputs: [.uint(256)])
    static let orderCutoff = ABIFunction(name: "order_cutoff", inputs: [.uint(256), .string])
    static let allowReconnection = ABIFunction(name: "allow_reconnection", inputs: [.uint(256)])
    static let adjustBonus = ABIFunction(name: "adjust_bonus", inputs: [.uint(256), .int(256), .string])

    /// An agreement for the device, accepted by its consumer: quarter-hour slots from `periodStart`, 96 to a
    /// period, every slot expected between 500 and 4000 Wh, a bonus of 50000 and 200 per slot outside.
    func createAgreement(contract: Address, periodStart: UInt64, slotSeconds: UInt64 = 900, slotsPerPeriod: UInt64 = 96,
                         interval: (min: UInt32, max: UInt32) = (500, 4000), unmeasuredAllowance: UInt64 = 0) async throws -> UInt64 {
        let id = try await proposeAgreement(contract: contract, periodStart: periodStart, slotSeconds: slotSeconds,
                                            slotsPerPeriod: slotsPerPeriod, interval: interval, unmeasuredAllowance: unmeasuredAllowance)
        try await acceptAgreement(contract: contract, id: id)
        return id
    }

    /// The utility's proposal of the agreement `createAgreement` describes; it binds nobody until accepted.
    func proposeAgreement(contract: Address, periodStart: UInt64, slotSeconds: UInt64 = 900, slotsPerPeriod: UInt64 = 96,
                          interval: (min: UInt32, max: UInt32) = (500, 4000), unmeasuredAllowance: UInt64 = 0,
                          profile intervals: [(min: UInt32, max: UInt32)]? = nil) async throws -> UInt64 {
        // Each profile slot a big-endian uint32 minimum and maximum; one slot of `interval` unless `intervals` are given.
        let profile = (intervals ?? [interval]).flatMap { [$0.min, $0.max] }
            .flatMap { value in (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } }
        let data = try Self.proposeAgreement.encodeCall([
            .address(consumer.address), .address(device.address), .uint(periodStart), .uint(slotSeconds), .uint(slotsPerPeriod), .bytes(profile),
            .uint(UInt64(50_000)), .uint(UInt64(200)), .uint(UInt64(10_000)), .uint(UInt64(172_800)), .uint(unmeasuredAllowance),
            .uint(UInt64(0)), .uint(UInt64(86_400)),
        ])
        let receipt = try await utilityCall(contract: contract, data: data)
        guard let proposed = receipt.logs.first(where: { $0.topics.first == AgreementABI.agreementProposed.topic }) else {
            throw Failure(description: "propose_agreement logged no AgreementProposed")
        }
        return try Word256(bytes: proposed.topics[1]).unsigned()
    }

    /// The consumer's acceptance, signed by the consumer's key.
    func acceptAgreement(contract: Address, id: UInt64) async throws {
        try await call(from: consumer, contract: contract, data: try Self.acceptAgreement.encodeCall([.uint(id)]))
    }

    /// A meter or board swap: the utility proposes `newDevice`, the consumer accepts it (DeviceChanged).
    func changeDevice(contract: Address, id: UInt64, to newDevice: Address) async throws {
        try await utilityCall(contract: contract, data: try Self.proposeDevice.encodeCall([.uint(id), .address(newDevice)]))
        try await call(from: consumer, contract: contract, data: try Self.acceptDevice.encodeCall([.uint(id)]))
    }

    /// A call signed by the utility's key, waited for until mined; throws on a revert.
    @discardableResult
    func utilityCall(contract: Address, data: [UInt8]) async throws -> TransactionReceipt {
        try await call(from: utility, contract: contract, data: data)
    }

    @discardableResult
    func call(from key: PrivateKey, contract: Address, data: [UInt8]) async throws -> TransactionReceipt {
        let nonce = try await rpc.transactionCount(of: key.address)
        let fee: TransactionFee = besu ? .legacy(gasPrice: 0) : .eip1559(maxFeePerGas: 50_000_000_000, maxPriorityFeePerGas: 1_000_000_000)
        let transaction = Transaction(chainID: chainID, nonce: nonce, gasLimit: 3_000_000, to: contract, data: data, fee: fee)
        let hash = try await rpc.sendRawTransaction(try transaction.signed(with: key).raw)
        let receipt = try await waitForReceipt(hash)
        guard receipt.succeeded else { throw Failure(description: "call from \(key.address.checksummed) reverted") }
        return receipt
    }

    func waitForReceipt(_ hash: [UInt8]) async throws -> TransactionReceipt {
        for _ in 0..<1500 {
            if autoMineWhileWaiting { try await mine() }
            if let receipt = try await rpc.receipt(of: hash) { return receipt }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        throw Failure(description: "no receipt for \(Hex.encode(hash))")
    }
}
