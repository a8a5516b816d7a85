import CLinux

/// Whether the system clock can be trusted to place readings in slots. A Raspberry Pi has no
/// real-time clock: until NTP (or another source) synchronises it, the kernel says so, and
/// meterd opens and closes no slot.
enum ClockSource: String, Sendable, CaseIterable {
    /// Ask the kernel (adjtimex: STA_UNSYNC clear means synchronised).
    case kernel
    /// Trust the clock as it is: for a site with a battery-backed RTC, and for test rigs.
    case trusted
}

enum ClockSynchronisation {
    static func isSynchronised(_ source: ClockSource) -> Bool {
        switch source {
        case .trusted:
            return true
        case .kernel:
            return meterd_clock_unsynchronised() == 0
        }
    }
}
