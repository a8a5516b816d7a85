import Glibc
import Testing
@testable import Drivers

/// The libgpiod code is exercised as far as this machine's kernel allows: it has no GPIO chip
/// (no /dev/gpiochip*, no module loading), so only the failure paths run here. Requesting, setting
/// and releasing real lines is tested by the hardware-in-the-loop harness (issue 8: gpio-sim in a
/// qemu guest, driving `meterd relay`).
@Suite("GPIO lines: no GPIO chip exists on this machine, so only libgpiod's failure paths run here; real lines run in the HIL harness (issue 8)")
struct GPIOLineTests {
    @Test("No chip here: opening a missing chip (by path and by label) gives the clear error")
    func aChipThatDoesNotExistIsNamedWithTheFix() {
        for chip in ["/dev/gpiochip-meterd-missing", "meterd-no-such-label"] {
            let address = GPIOLineAddress(chip: chip, line: .offset(17))
            #expect {
                _ = try LibgpiodLineProvider().requestOutput(address, initiallyActive: false)
            } throws: { error in
                guard let error = error as? DriverError, error.code == .gpio(.chipMissing) else { return false }
                return error.description.contains("\"\(chip)\"") && error.description.contains("gpiodetect")
            }
        }
    }

    @Test func anInputOnAMissingChipFailsTheSameWay() {
        let address = GPIOLineAddress(chip: "meterd-no-such-label", line: .name("RECONNECT_BUTTON"))
        let error = #expect(throws: DriverError.self) { _ = try LibgpiodLineProvider().requestInput(address) }
        #expect(error?.code == .gpio(.chipMissing))
    }

    @Test func aBusyLineSaysWhoHoldsItAndWhatToCheck() {
        let address = GPIOLineAddress(chip: "gpiochip0", line: .offset(17), activeLow: true)
        let error = DriverError.lineRequest(address, errno: EBUSY, consumer: "meterd")
        #expect(error.isLineBusy)
        #expect(error.description == "GPIO chip \"gpiochip0\" line 17 (active-low): the line is held by another process (consumer \"meterd\"); "
                + "is meterd running? (systemctl status meterd; `gpioinfo` shows the holder)")
    }

    @Test func permissionProblemsNameTheGpioGroup() {
        let error = DriverError.chipOpen(GPIOLineAddress(chip: "/dev/gpiochip0", line: .name("RELAY")), errno: EACCES)
        #expect(error.code == .gpio(.permissionDenied))
        #expect(error.description.contains("group gpio"))
    }

    @Test func theSimulatedLineRecordsEveryValueFromItsRequest() throws {
        let provider = SimulatedLineProvider()
        let line = try provider.requestOutput(GPIOLineAddress(chip: "sim", line: .offset(3)), initiallyActive: true)
        try line.setActive(false)
        try line.setActive(false)
        try line.setActive(true)
        let recorded = provider.lines[0]
        #expect(recorded.values == [true, false, false, true])
        let instants = recorded.changes.map(\.at)
        #expect(instants == instants.sorted())
        provider.holdElsewhere(true)
        #expect { _ = try provider.requestOutput(GPIOLineAddress(chip: "sim", line: .offset(3)), initiallyActive: true) } throws: { error in
            (error as? DriverError)?.isLineBusy == true
        }
    }
}
