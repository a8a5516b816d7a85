import Testing
@testable import ChainClient

/// The `profile(id)` view's answer, decoded into intervals.
@Suite struct AgreementProfileTests {
    func answer(_ minima: [UInt64], _ maxima: [UInt64]) throws -> [ABIValue] {
        let data = try ABIEncoder.encode([.array(minima.map { .uint($0) }), .array(maxima.map { .uint($0) })],
                                         as: [.array(.uint(256)), .array(.uint(256))])
        return try AgreementABI.profile.decodeOutput(data)
    }

    @Test func theTwoArraysArePairedSlotBySlot() throws {
        let values = try answer([0, 2000, 1500], [4000, 10_000, 1500])
        #expect(try ProfileSlot.slots(minima: values[0], maxima: values[1]) == [
            ProfileSlot(minimumWattHours: 0, maximumWattHours: 4000),
            ProfileSlot(minimumWattHours: 2000, maximumWattHours: 10_000),
            ProfileSlot(minimumWattHours: 1500, maximumWattHours: 1500),
        ])
        #expect(Hex.encode(AgreementABI.profile.selector, prefix: false) == "72cd2b1a")
    }

    @Test func anAnswerTheContractCannotGiveIsRefused() throws {
        let uneven = try answer([1, 2], [3])
        #expect { try ProfileSlot.slots(minima: uneven[0], maxima: uneven[1]) } throws: { isChainClientError($0, .abi) }
        let inverted = try answer([5], [4])
        #expect { try ProfileSlot.slots(minima: inverted[0], maxima: inverted[1]) } throws: { isChainClientError($0, .abi) }
        let wide = try answer([1 << 32], [1 << 33])
        #expect { try ProfileSlot.slots(minima: wide[0], maxima: wide[1]) } throws: { isChainClientError($0, .abi) }
    }
}
