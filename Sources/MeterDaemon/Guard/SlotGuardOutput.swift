import Drivers
import FoundationEssentials
import Logging

/// The one thing the guard's output does outside meterd: put the site's load controller in the state
/// a request asks for. Narrow so the output is testable without a bus.
protocol LoadRequestOutput: Sendable {
    /// Sets the coils for `request` (the shed coil on for shed, the add coil on for add, the others off).
    func apply(_ request: LoadRequest) async throws
    /// Where it writes, for the log.
    var place: String { get }
}

/// A coil (and optionally a second one) of a Modbus load controller or PLC, written with function 5.
struct ModbusCoilOutput: LoadRequestOutput {
    let bus: ModbusBus
    let unit: UInt8
    let shedCoil: UInt16
    let addCoil: UInt16?

    var place: String { "\(bus.endpoint) unit \(unit) shed coil \(shedCoil)" + (addCoil.map { " add coil \($0)" } ?? "") }

    func apply(_ request: LoadRequest) async throws {
        var writes = [(shedCoil, request == .shed)]
        if let addCoil { writes.append((addCoil, request == .add)) }
        // Off before on: the controller never sees both requests at once.
        for (address, on) in writes.sorted(by: { !$0.1 && $1.1 }) {
            try await bus.writeCoil(unit: unit, address: address, on: on)
        }
    }
}

/// The guard's output in the running daemon: decides at each report (`LoadRequestController`), logs
/// and journals each change, and writes the output only when what is written differs from the
/// request (so again after a failed write, at the next report; and once at start, which clears a
/// coil a previous run left set).
struct SlotGuardOutput: Sendable {
    private(set) var controller: LoadRequestController
    let output: any LoadRequestOutput
    /// What the output is known to show; nil at start and after a failed write.
    private var written: LoadRequest?
    private var failing = false

    init(controller: LoadRequestController, output: any LoadRequestOutput) {
        self.controller = controller
        self.output = output
    }

    /// The journal entry for a change of the request, if there was one.
    mutating func follow(_ report: SlotGuardReport, supplyConnected: Bool, logger: Logger) async -> JournalEntry? {
        let previous = controller.request
        let decision = controller.decide(report, supplyConnected: supplyConnected, at: report.at)
        var entry: JournalEntry?
        if decision.changed {
            var metadata: Logger.Metadata = ["request": "\(decision.request.rawValue)", "previous": "\(previous.rawValue)", "state": "\(report.stateName)"]
            if let slot = report.slot { metadata["slot"] = "\(slot)" }
            logger.notice("slot guard output: \(decision.request == .none ? "no load request" : "\(decision.request.rawValue) load requested"): \(decision.reason)",
                          metadata: metadata)
            entry = JournalEntry(time: report.at, payload: .guardOutput(GuardOutput(
                request: decision.request, previous: previous, slot: report.slot, state: report.stateName,
                projectedWattHours: report.projection?.projectedWattHours, reason: decision.reason)))
        }
        if written != decision.request {
            do {
                try await output.apply(decision.request)
                written = decision.request
                if failing { logger.notice("slot guard output: \(output.place) is written again (\(decision.request.rawValue))") }
                failing = false
            } catch {
                written = nil
                if !failing {
                    logger.warning("slot guard output: cannot write \(output.place) (\(decision.request.rawValue)): \(error); retried at the next reading")
                }
                failing = true
            }
        }
        return entry
    }

    /// At a clean stop: the output is cleared (a request meterd no longer follows must not hold the
    /// site's load after it), and a request that was in force ends with a record.
    mutating func stop(at time: Date, logger: Logger) async -> JournalEntry? {
        let previous = controller.request
        let decision = controller.stop(at: time)
        do {
            try await output.apply(.none)
            written = LoadRequest.none
        } catch {
            logger.warning("slot guard output: could not clear \(output.place) at stop: \(error)")
        }
        guard decision.changed else { return nil }
        logger.notice("slot guard output: no load request: \(decision.reason)", metadata: ["request": "none", "previous": "\(previous.rawValue)"])
        return JournalEntry(time: time, payload: .guardOutput(GuardOutput(request: .none, previous: previous, slot: nil, state: "stopping",
                                                                          projectedWattHours: nil, reason: decision.reason)))
    }

    /// Whether the output shows the request in force (false while writes fail).
    var isWritten: Bool { written == controller.request }
}

/// GPIO lines into a relay module whose dry contact feeds a building management system's input:
/// the shed line active while the site should shed load, the add line while it should add load.
/// Requested inactive at start; a crash or a reboot releases them, which must mean "no request"
/// (hardware/load-request-wiring.md).
struct GPIOLoadOutput: LoadRequestOutput {
    let shedLine: any OutputLine
    let addLine: (any OutputLine)?
    let place: String

    func apply(_ request: LoadRequest) async throws {
        var lines = [(shedLine, request == .shed)]
        if let addLine { lines.append((addLine, request == .add)) }
        // Off before on, as for the coils.
        for (line, active) in lines.sorted(by: { !$0.1 && $1.1 }) { try line.setActive(active) }
    }
}
