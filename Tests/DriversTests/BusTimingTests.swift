@testable import Drivers
import Testing

@Suite struct BusTimingTests {
    @Test func retriesPauseTwiceAsLongEachTimeUpTo64Times() {
        let timing = BusTiming(responseTimeout: 0.5, retries: 9, retryBackoff: 0.1)
        #expect((1...9).map { timing.backoff(beforeRetry: $0) } == [0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 6.4, 6.4])
    }

    @Test func theWorstCaseIsEveryAttemptTimingOutWithThePausesBetween() {
        // 3 attempts of 0.5 s, pauses of 0.1 s and 0.2 s.
        #expect(abs(BusTiming(responseTimeout: 0.5, retries: 2, retryBackoff: 0.1).worstCaseRequestSeconds - 1.8) < 1e-12)
        #expect(BusTiming(responseTimeout: 0.3, retries: 0).worstCaseRequestSeconds == 0.3)
    }
}
