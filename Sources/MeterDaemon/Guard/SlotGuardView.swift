import ChainClient
import FoundationEssentials
import Glibc

/// What `meterd slot` shows: the report the daemon published, whether a daemon is running, and whether
/// the report is fresh (docs/slot-guard.md). Reads files only; touches no meter.
public struct SlotGuardView: Sendable {
    enum Daemon: Sendable, Equatable {
        case running(pid: Int32)
        case notRunning
        /// The journal's lock could not be looked at (another user's files, say).
        case unknown(String)
    }

    public var now: Date
    var daemon: Daemon
    var publication: SlotGuardPublication?
    /// Why no guard can run with this configuration, when none can.
    public var notConfigured: String?
    var path: String

    public static func collect(configuration: MeterdConfiguration, now: Date = Date()) -> (view: SlotGuardView, readError: String?) {
        let path = SlotGuardPublication.path(stateDirectory: configuration.daemon.stateDirectory)
        var readError: String?
        var publication: SlotGuardPublication?
        do { publication = try SlotGuardPublication.read(from: path) } catch { readError = "\(path) is not a slot guard report: \(error)" }
        var notConfigured: String?
        if configuration.daemon.settlementMeter == nil {
            notConfigured = "no settlement meter: set [meterd] settlement_meter"
        } else if configuration.chain == nil, configuration.slotGuard?.interval == nil {
            notConfigured = "no interval: add [guard] slot_min_wh and slot_max_wh, or [chain] to take each slot's from the agreement"
        }
        let view = SlotGuardView(now: now, daemon: daemonState(journalDirectory: configuration.daemon.journalDirectory),
                                 publication: publication, notConfigured: notConfigured, path: path)
        return (view, readError)
    }

    /// Whether a process holds the journal's lock (as `meterd run` does while it runs), asked without taking it.
    static func daemonState(journalDirectory: String) -> Daemon {
        let lock = journalDirectory.appendingPathComponent("LOCK")
        let descriptor = open(lock, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            return errno == ENOENT ? .notRunning : .unknown("cannot open \(lock): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var query = flock(l_type: Int16(F_WRLCK), l_whence: Int16(SEEK_SET), l_start: 0, l_len: 0, l_pid: 0)
        guard fcntl(descriptor, F_GETLK, &query) == 0 else { return .unknown("cannot test the lock on \(lock): \(String(cString: strerror(errno)))") }
        return query.l_type == Int16(F_UNLCK) ? .notRunning : .running(pid: query.l_pid)
    }

    var isRunning: Bool { if case .running = daemon { true } else { false } }

    /// A fresh projection-or-reason from a running daemon: anything else is a problem (exit status 1).
    public var isHealthy: Bool {
        guard notConfigured == nil, isRunning, let publication, publication.noGuard == nil, publication.report != nil else { return false }
        return !publication.isStale(now: now)
    }

    /// The problem in one line, when there is one.
    var problem: String? {
        if let notConfigured { return "no slot guard: \(notConfigured)" }
        guard let publication else {
            return isRunning ? "meterd run has published no slot guard report in \(path) yet (an older meterd, or it is starting)"
                             : "meterd run is not running, and no slot guard report is in \(path)"
        }
        if let noGuard = publication.noGuard { return "no slot guard: \(noGuard)" }
        if !isRunning { return "meterd run is not running: the report below is from its last run" }
        if publication.isStale(now: now) {
            return "the report is \(Int(now.timeIntervalSince(publication.published))) s old (meterd publishes one every "
                + "\(publication.refreshSeconds.plainText) s): the settlement meter has not been read since"
        }
        return nil
    }

    /// `name: value` lines for a person on site.
    public func lines() -> [(String, String)] {
        var lines: [(String, String)] = []
        if let report = publication?.report {
            if let projection = report.projection {
                lines.append(("slot", "\(projection.slot) (\(Self.clock(projection.slotStart)) to \(Self.clock(projection.slotEnd)) UTC)"))
                lines.append(("interval", "\(SlotProjection.energy(projection.interval.minimumWattHours)) to "
                              + "\(SlotProjection.energy(projection.interval.maximumWattHours))"))
                lines.append(("energy", "\(SlotProjection.energy(projection.energySoFarWattHours)) so far"))
                lines.append(("projection", "\(SlotProjection.energy(projection.projectedWattHours)) at the slot's end, at the recent "
                              + "\(SlotProjection.power(projection.recentPowerWatts))"))
                lines.append(("time_left", SlotProjection.duration(projection.secondsLeft)))
                lines.append(("state", projection.state.rawValue))
                lines.append(("advice", projection.advice))
            } else {
                if let slot = report.slot { lines.append(("slot", String(slot))) }
                lines.append(("state", "no projection (\(report.stateName))"))
                lines.append(("why", report.explanation))
            }
            lines.append(("as_of", "\(RecordFields.iso(report.at)) (\(Int(max(0, now.timeIntervalSince(report.at)).rounded())) s ago)"))
        } else if let noGuard = publication?.noGuard {
            lines.append(("state", "no slot guard"))
            lines.append(("why", noGuard))
        }
        lines.append(("daemon", daemonText))
        if let problem { lines.append(("problem", problem)) }
        return lines
    }

    private var daemonText: String {
        switch daemon {
        case .running(let pid): return "running (pid \(pid))"
        case .notRunning: return "not running"
        case .unknown(let why): return "unknown (\(why))"
        }
    }

    /// One JSON object with the same facts, numbers as numbers.
    public func json() -> JSONValue {
        var object: [String: JSONValue] = [:]
        func number(_ value: Double?) -> JSONValue {
            guard let value, value.isFinite else { return .null }
            return .number(value.plainText)
        }
        object["daemon"] = .string(isRunning ? "running" : (daemon == .notRunning ? "not running" : "unknown"))
        object["healthy"] = .bool(isHealthy)
        object["problem"] = problem.map(JSONValue.string) ?? .null
        if let publication {
            object["published"] = number(publication.published.timeIntervalSince1970)
            object["age_seconds"] = number(now.timeIntervalSince(publication.published))
            object["stale"] = .bool(publication.isStale(now: now))
            if let noGuard = publication.noGuard { object["no_guard"] = .string(noGuard) }
        }
        if let report = publication?.report {
            object["state"] = .string(report.stateName)
            object["slot"] = report.slot.map { .number(String($0)) } ?? .null
            object["at"] = number(report.at.timeIntervalSince1970)
            if let projection = report.projection {
                object["slot_start"] = number(projection.slotStart.timeIntervalSince1970)
                object["slot_end"] = number(projection.slotEnd.timeIntervalSince1970)
                object["minimum_wh"] = number(projection.interval.minimumWattHours)
                object["maximum_wh"] = number(projection.interval.maximumWattHours)
                object["energy_wh"] = number(projection.energySoFarWattHours)
                object["projected_wh"] = number(projection.projectedWattHours)
                object["seconds_left"] = number(projection.secondsLeft)
                object["recent_power_w"] = number(projection.recentPowerWatts)
                object["power_allowed_w"] = number(projection.powerAllowedWatts)
                object["power_needed_w"] = number(projection.powerNeededWatts)
                object["advice"] = .string(projection.advice)
            } else {
                object["why"] = .string(report.explanation)
            }
        } else if let notConfigured {
            object["no_guard"] = .string(notConfigured)
        }
        return .object(object)
    }

    private static func clock(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let day = ((seconds % 86_400) + 86_400) % 86_400
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(day / 3600)):\(two(day % 3600 / 60)):\(two(day % 60))"
    }
}
