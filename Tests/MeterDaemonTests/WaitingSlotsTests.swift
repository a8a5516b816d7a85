@testable import ChainClient
import Foundation
import Testing
@testable import MeterDaemon

/// Which batch is due: the rules the batch submitter follows, without a chain.
@Suite struct WaitingSlotsTests {
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    func waiting(_ slots: [UInt64: Int64?], closedSecondsAgo: Double = 10) -> WaitingSlots {
        var waiting = WaitingSlots()
        for (slot, wattHours) in slots { waiting.add(slot: slot, wattHours: wattHours, closedAt: now.addingTimeInterval(-closedSecondsAgo)) }
        return waiting
    }

    @Test func nothingClosedIsNothingDueEvenPastTheWait() {
        #expect(WaitingSlots().due(from: 0, batchSlots: 4, maxWait: 0, now: now) == nil)
        #expect(waiting([3: 5]).due(from: 4, batchSlots: 1, maxWait: 0, now: now) == nil)
    }

    @Test func aFullBatchIsDueAtOnceAndTakesNoMoreThanItsSize() {
        let slots = waiting([10: 1, 11: 2, 12: 3, 13: 4, 14: 5])
        #expect(slots.due(from: 10, batchSlots: 4, maxWait: 3600, now: now) == WaitingSlots.Batch(firstSlot: 10, values: [1, 2, 3, 4]))
    }

    @Test func aPartialBatchWaitsUntilItsOldestSlotHasWaitedMaxWait() {
        let fresh = waiting([10: 1, 11: 2], closedSecondsAgo: 3599)
        #expect(fresh.due(from: 10, batchSlots: 4, maxWait: 3600, now: now) == nil)
        let old = waiting([10: 1, 11: 2], closedSecondsAgo: 3600)
        #expect(old.due(from: 10, batchSlots: 4, maxWait: 3600, now: now) == WaitingSlots.Batch(firstSlot: 10, values: [1, 2]))
    }

    @Test func slotsNoRecordClosedGoOutUnmeasuredSoBatchesNeverStall() {
        let slots = waiting([12: 7, 13: nil])
        let unmeasured = AgreementBinding.unmeasured
        #expect(slots.due(from: 10, batchSlots: 4, maxWait: 3600, now: now) == WaitingSlots.Batch(firstSlot: 10, values: [unmeasured, unmeasured, 7, unmeasured]))
    }

    @Test func aBatchNeverExceedsTheContractsLimit() {
        let slots = waiting(Dictionary(uniqueKeysWithValues: (0..<400).map { (UInt64($0), Int64?.some(1)) }))
        #expect(slots.due(from: 0, batchSlots: 1000, maxWait: 0, now: now)?.values.count == AgreementBinding.maximumBatchSlots)
    }

    @Test func slotsTheContractHasAreDroppedAndSentOnesRemoved() {
        var slots = waiting([1: 1, 2: 2, 3: 3, 4: 4])
        slots.drop(before: 3)
        #expect(slots.count == 2)
        slots.remove(3..<4)
        #expect(slots.due(from: 4, batchSlots: 1, maxWait: 3600, now: now) == WaitingSlots.Batch(firstSlot: 4, values: [4]))
    }
}
