import Cutoff
import Testing

@Suite struct ReconnectionButtonTests {
    func presses(_ samples: [(Double, Bool)]) -> [Double] {
        var button = ReconnectionButton(holdSeconds: 1)
        return samples.filter { button.sample(pressed: $0.1, at: Fixtures.start.addingTimeInterval($0.0)) }.map(\.0)
    }

    @Test func aShortPressOrBounceDoesNothing() {
        #expect(presses([(0, true), (0.2, false), (0.3, true), (0.5, true), (0.6, false)]).isEmpty)
    }

    @Test func aHeldPressCountsOnceUntilReleased() {
        #expect(presses([(0, true), (0.5, true), (1.0, true), (1.5, true), (5, true), (6, false), (7, true), (8, true)]) == [1.0, 8])
    }
}
