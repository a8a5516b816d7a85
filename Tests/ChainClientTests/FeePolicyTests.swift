import Testing
@testable import ChainClient

@Suite struct FeePolicyTests {
    static let gwei: UInt128 = 1_000_000_000
    let policy = FeePolicy(profile: .ethereum, ceilingPerGas: 50 * FeePolicyTests.gwei, dailyGasBudget: 1_000_000)

    @Test func eip1559LeavesRoomForTheBaseFeeToDoubleUpToTheCeiling() {
        #expect(policy.eip1559Fee(nextBaseFee: 10 * Self.gwei, priorityFee: 2 * Self.gwei)
                == .eip1559(maxFeePerGas: 22 * Self.gwei, maxPriorityFeePerGas: 2 * Self.gwei))
        #expect(policy.eip1559Fee(nextBaseFee: 40 * Self.gwei, priorityFee: 2 * Self.gwei)
                == .eip1559(maxFeePerGas: 50 * Self.gwei, maxPriorityFeePerGas: 2 * Self.gwei))
        #expect(policy.eip1559Fee(nextBaseFee: 49 * Self.gwei, priorityFee: 2 * Self.gwei) == nil)
        #expect(policy.eip1559Fee(nextBaseFee: .max, priorityFee: 1) == nil)
    }

    @Test func legacyFeesKeepTheCeiling() {
        #expect(policy.legacyFee(gasPrice: 0) == .legacy(gasPrice: 0))
        #expect(policy.legacyFee(gasPrice: 51 * Self.gwei) == nil)
    }

    @Test func replacementsBidAtLeastTenPercentMoreOnBothFields() {
        let old = TransactionFee.eip1559(maxFeePerGas: 20 * Self.gwei, maxPriorityFeePerGas: 1 * Self.gwei)
        guard case .eip1559(let maxFee, let tip)? = policy.replacement(for: old, current: nil) else { Issue.record("no replacement"); return }
        #expect(maxFee * 100 >= 20 * Self.gwei * 110 && tip * 100 >= 1 * Self.gwei * 110)
        // The market moved above the bump: the replacement follows the market.
        let market = TransactionFee.eip1559(maxFeePerGas: 30 * Self.gwei, maxPriorityFeePerGas: 3 * Self.gwei)
        #expect(policy.replacement(for: old, current: market) == market)
        // Beyond the ceiling there is no replacement: the transaction waits.
        #expect(policy.replacement(for: .eip1559(maxFeePerGas: 48 * Self.gwei, maxPriorityFeePerGas: Self.gwei), current: nil) == nil)
        #expect(policy.replacement(for: .legacy(gasPrice: 0), current: nil) == nil)
        #expect(policy.replacement(for: .legacy(gasPrice: 1), current: nil) == .legacy(gasPrice: 2))
    }

    @Test func gasLimitAddsTheMargin() {
        #expect(policy.gasLimit(estimate: 100_000) == 125_000)
        #expect(policy.gasLimit(estimate: 1) == 2)
    }

    @Test func dailyBudgetIsNeverExceededAndRollsOverAtMidnightUTC() {
        var budget = GasBudget()
        let noon = 20_000.5 * 86_400
        #expect(budget.reserve(600_000, limit: 1_000_000, now: noon) == nil)
        #expect(budget.reserve(400_000, limit: 1_000_000, now: noon) == nil)
        let resumesAt = budget.reserve(1, limit: 1_000_000, now: noon)
        #expect(resumesAt == Double(20_001 * 86_400))
        budget.release(300_000, reservedOn: budget.day)
        #expect(budget.used == 700_000)
        #expect(budget.reserve(300_000, limit: 1_000_000, now: noon) == nil)
        #expect(budget.reserve(1_000_000, limit: 1_000_000, now: 20_001 * 86_400) == nil)
        budget.release(5, reservedOn: 20_000)
        #expect(budget.used == 1_000_000)
    }
}
