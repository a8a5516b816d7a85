import Testing
@testable import ChainClient

@Suite struct FeeOracleTests {
    static let gwei: UInt128 = 1_000_000_000

    static func history(tips: [UInt64]) -> JSONValue {
        .object([
            "oldestBlock": ScriptedNode.quantity(10),
            "baseFeePerGas": .array(Array(repeating: ScriptedNode.quantity(7_000_000_000), count: tips.count + 1)),
            "gasUsedRatio": .array(tips.map { _ in .number("0.5") }),
            "reward": .array(tips.map { .array([ScriptedNode.quantity($0)]) }),
        ])
    }

    @Test func ethereumTipIsTheMedianRecentTipAndFeesAreReused() async throws {
        let node = ScriptedNode { method, _ in method == "eth_feeHistory" ? Self.history(tips: [1_000_000_000, 3_000_000_000, 2_000_000_000, 2_000_000_000, 9_000_000_000]) : .null }
        let rpc = RPCClient(endpoints: [node])
        var oracle = FeeOracle(policy: FeePolicy(profile: .ethereum, ceilingPerGas: 100 * Self.gwei, dailyGasBudget: 1, feeRefreshSeconds: 60))
        #expect(try await oracle.fee(rpc: rpc, now: 1000) == .eip1559(maxFeePerGas: 16 * Self.gwei, maxPriorityFeePerGas: 2 * Self.gwei))
        #expect(try await oracle.fee(rpc: rpc, now: 1059) != nil)
        #expect(node.calls == ["eth_feeHistory"], "reused within fee_refresh_seconds")
        _ = try await oracle.fee(rpc: rpc, now: 1060)
        #expect(node.calls.count == 2)
    }

    @Test func emptyBlocksFallBackToTheNodesSuggestion() async throws {
        let node = ScriptedNode { method, _ in
            method == "eth_feeHistory" ? Self.history(tips: [0, 0]) : ScriptedNode.quantity(1_500_000_000)
        }
        var oracle = FeeOracle(policy: FeePolicy(profile: .ethereum, ceilingPerGas: 10 * Self.gwei, dailyGasBudget: 1))
        #expect(try await oracle.fee(rpc: RPCClient(endpoints: [node]), now: 0) == .eip1559(maxFeePerGas: 10 * Self.gwei, maxPriorityFeePerGas: 1_500_000_000))
        #expect(node.calls == ["eth_feeHistory", "eth_maxPriorityFeePerGas"])
    }

    @Test func besuUsesTheFixedPriceOrAsksTheNode() async throws {
        let node = ScriptedNode { _, _ in ScriptedNode.quantity(0) }
        let rpc = RPCClient(endpoints: [node])
        var fixed = FeeOracle(policy: FeePolicy(profile: .besu, ceilingPerGas: 10, fixedGasPrice: 3, dailyGasBudget: 1))
        #expect(try await fixed.fee(rpc: rpc, now: 0) == .legacy(gasPrice: 3))
        #expect(node.calls.isEmpty)
        var asking = FeeOracle(policy: FeePolicy(profile: .besu, ceilingPerGas: 10, dailyGasBudget: 1))
        #expect(try await asking.fee(rpc: rpc, now: 0) == .legacy(gasPrice: 0))
        #expect(node.calls == ["eth_gasPrice"])
        var tooDear = FeeOracle(policy: FeePolicy(profile: .besu, ceilingPerGas: 10, fixedGasPrice: 11, dailyGasBudget: 1))
        #expect(try await tooDear.fee(rpc: rpc, now: 0) == nil)
    }
}
