import Foundation
import Testing
@testable import MeterDaemon

/// The guard output's decisions (docs/slot-guard.md, "The output"): engage, hysteresis, minimum
/// on and off times, the cutoff, a lost projection, a new slot, and adding load.
@Suite struct LoadRequestControllerTests {
    static let interval = SlotInterval(minimumWattHours: 1000, maximumWattHours: 10_000)
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)
    static let timing = LoadRequestTiming(minimumOnSeconds: 30, minimumOffSeconds: 20, releaseMarginPercent: 5)

    /// A report of `slot` at t0 + `seconds` whose projection lands at `projected` Wh (the state as
    /// the guard computes it from that figure).
    static func report(_ seconds: Double, projected: Double, slot: Int64 = 7, state: SlotGuardState? = nil) -> SlotGuardReport {
        let computed: SlotGuardState = projected > interval.maximumWattHours ? .headingOver
            : projected < interval.minimumWattHours ? .headingUnder : .inside
        let at = t0.addingTimeInterval(seconds)
        return .projection(SlotProjection(slot: slot, slotStart: at, slotEnd: at.addingTimeInterval(600), at: at, energySoFarWattHours: 500,
                                          secondsLeft: 600, recentPowerWatts: 1000, projectedWattHours: projected, interval: interval,
                                          state: state ?? computed, powerAllowedWatts: 1000, powerNeededWatts: 0))
    }

    func run(_ controller: inout LoadRequestController, _ report: SlotGuardReport, supply: Bool = true) -> LoadRequestController.Decision {
        controller.decide(report, supplyConnected: supply, at: report.at)
    }

    @Test func shedEngagesOnHeadingOverAndHoldsThroughInsideUntilTheMargin() {
        var controller = LoadRequestController(timing: Self.timing, canAdd: false)
        #expect(run(&controller, Self.report(0, projected: 9000)) == .init(request: .none, changed: false, reason: "slot 7 inside: projected 9.0 kWh"))
        let engage = run(&controller, Self.report(1, projected: 10_500))
        #expect(engage.request == .shed && engage.changed && engage.reason.contains("heading-over"))
        // Inside again, but above max − 5 % (9500 Wh): held, well past the minimum time.
        let held = run(&controller, Self.report(100, projected: 9700))
        #expect(held.request == .shed && !held.changed && held.reason.contains("not yet below 9.5 kWh"), "\(held)")
        #expect(run(&controller, Self.report(101, projected: 9500)).request == .shed, "the release is strictly below the margin")
        let released = run(&controller, Self.report(102, projected: 9499))
        #expect(released.request == .none && released.changed)
    }

    @Test func aRequestStaysItsMinimumOnTimeAndThenPausesItsMinimumOffTime() {
        var controller = LoadRequestController(timing: Self.timing, canAdd: false)
        #expect(run(&controller, Self.report(0, projected: 11_000)).changed)
        // Well inside after 10 s: below the margin, but the request has not been on 30 s.
        let early = run(&controller, Self.report(10, projected: 5000))
        #expect(early.request == .shed && !early.changed && early.reason.contains("minimum of 30 s"))
        #expect(run(&controller, Self.report(29.9, projected: 5000)).request == .shed)
        #expect(run(&controller, Self.report(30, projected: 5000)) .changed, "off at 30 s")
        // Heading over again 10 s later: the 20 s pause holds it off.
        let paused = run(&controller, Self.report(40, projected: 11_000))
        #expect(paused.request == .none && !paused.changed && paused.reason.contains("less than 20 s ago"), "\(paused)")
        #expect(run(&controller, Self.report(49.9, projected: 11_000)).request == .none)
        #expect(run(&controller, Self.report(50, projected: 11_000)) == .init(request: .shed, changed: true,
            reason: "slot 7 heading-over: projected 11.0 kWh above the maximum of 10.0 kWh"))
    }

    @Test func noRequestWhileACutoffHoldsTheSupplyOpen() {
        var controller = LoadRequestController(timing: Self.timing, canAdd: true)
        #expect(run(&controller, Self.report(0, projected: 11_000), supply: false).request == .none, "none is made")
        #expect(run(&controller, Self.report(1, projected: 11_000)).request == .shed)
        // A cutoff 2 s later ends the request at once, before its minimum time.
        let cut = run(&controller, Self.report(2, projected: 11_000), supply: false)
        #expect(cut.request == .none && cut.changed && cut.reason.contains("cutoff"))
        #expect(run(&controller, Self.report(3, projected: 500), supply: false).request == .none, "nor an add request")
    }

    @Test func noProjectionDropsTheRequestAtOnce() {
        var controller = LoadRequestController(timing: Self.timing, canAdd: false)
        #expect(run(&controller, Self.report(0, projected: 11_000)).request == .shed)
        let lost = controller.decide(.unavailable(.registerMissing, slot: 7, at: Self.t0.addingTimeInterval(1)), supplyConnected: true,
                                     at: Self.t0.addingTimeInterval(1))
        #expect(lost == .init(request: .none, changed: true, reason: "the guard has no projection (register-missing)"))
    }

    @Test func aNewSlotDropsARequestItsStateDoesNotNeedAndKeepsOneItDoes() {
        var controller = LoadRequestController(timing: Self.timing, canAdd: false)
        #expect(run(&controller, Self.report(0, projected: 11_000, slot: 7)).request == .shed)
        // Slot 8 opens still heading over: the request goes on (not restarted, not journaled again).
        let kept = run(&controller, Self.report(5, projected: 12_000, slot: 8))
        #expect(kept.request == .shed && !kept.changed)
        // Slot 9 opens inside but above the release bound: held, as in the slot before.
        let held = run(&controller, Self.report(10, projected: 9800, slot: 9))
        #expect(held.request == .shed && !held.changed, "\(held)")
        // Slot 10 opens inside below the bound, within the minimum time: dropped at once.
        let dropped = run(&controller, Self.report(15, projected: 9000, slot: 10))
        #expect(dropped.request == .none && dropped.changed && dropped.reason.contains("slot 10 opened inside"), "\(dropped)")
    }

    @Test func overNeedsNothingOnceTheMinimumTimeHasPassed() {
        var controller = LoadRequestController(timing: Self.timing, canAdd: false)
        #expect(run(&controller, Self.report(0, projected: 11_000)).request == .shed)
        #expect(run(&controller, Self.report(5, projected: 12_000, state: .over)).request == .shed, "held its minimum time")
        let over = run(&controller, Self.report(31, projected: 12_000, state: .over))
        #expect(over.request == .none && over.reason.contains("outside its interval whatever the site does"))
    }

    @Test func addLoadIsSymmetricalAndNeedsAnAddCoil() {
        var withoutCoil = LoadRequestController(timing: Self.timing, canAdd: false)
        #expect(run(&withoutCoil, Self.report(0, projected: 500)).request == .none)
        var controller = LoadRequestController(timing: Self.timing, canAdd: true)
        let engage = run(&controller, Self.report(0, projected: 500))
        #expect(engage.request == .add && engage.changed && engage.reason.contains("heading-under"))
        // Inside, but below min + 5 % (1050 Wh): held.
        let held = run(&controller, Self.report(100, projected: 1040))
        #expect(held.request == .add && held.reason.contains("not yet above 1.1 kWh") || held.reason.contains("not yet above 1050 Wh"), "\(held)")
        #expect(run(&controller, Self.report(101, projected: 1051)) .request == .none)
        // Heading over next: the pause after the add request applies to a shed request too.
        #expect(run(&controller, Self.report(110, projected: 11_000)).request == .none)
        #expect(run(&controller, Self.report(121, projected: 11_000)).request == .shed)
    }

    @Test func fromShedToAddGoesThroughNone() {
        var controller = LoadRequestController(timing: Self.timing, canAdd: true)
        #expect(run(&controller, Self.report(0, projected: 11_000)).request == .shed)
        let turn = run(&controller, Self.report(40, projected: 500))
        #expect(turn.request == .none && turn.reason.hasPrefix("the shed request ends first"))
        #expect(run(&controller, Self.report(50, projected: 500)).request == .none)
        #expect(run(&controller, Self.report(60, projected: 500)).request == .add)
    }
}
