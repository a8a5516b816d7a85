import Foundation
import Testing
@testable import MeterDaemon

@Suite struct ClockTrustTests {
    let time = JournalFixtures.base

    @Test func theFirstAnswerIsAChangeAndTheSameAnswerAgainIsNot() throws {
        var trust = ClockTrust(source: .kernel)
        let first = try #require(trust.change(to: true, at: time))
        #expect(first.entry == JournalEntry(time: time, clockSynchronised: true,
                                            payload: .clockSync(ClockSync(synchronised: true, detail: "kernel (adjtimex)"))))
        trust.adopt(first)
        #expect(trust.journaled == true)
        #expect(trust.change(to: true, at: time.addingTimeInterval(1)) == nil)

        let lost = try #require(trust.change(to: false, at: time.addingTimeInterval(2)))
        #expect(lost.level == .warning)
        #expect(lost.entry.clockSynchronised == false, "the record carries the clock's new state")
    }

    @Test func aChangeNotAdoptedIsOfferedAgain() throws {
        var trust = ClockTrust(source: .trusted)
        let refused = try #require(trust.change(to: true, at: time))
        #expect(refused.entry.payload == .clockSync(ClockSync(synchronised: true, detail: "trusted by configuration")))
        let again = try #require(trust.change(to: true, at: time.addingTimeInterval(1)), "the journal refused the first one")
        #expect(again.entry.time == time.addingTimeInterval(1))
        trust.adopt(again)
        #expect(trust.change(to: true, at: time.addingTimeInterval(2)) == nil)
    }
}
