import Cutoff
@testable import Drivers
import Foundation

/// A journal in memory that can be made to fail, as a full disk would.
final class RecordingJournal: CutoffJournal, @unchecked Sendable {
    struct Failure: Error {}
    private let lock = NSLock()
    private var stored: [CutoffRecord] = []
    private var failing = false

    var records: [CutoffRecord] { lock.withLock { stored } }
    func fail(_ fail: Bool) { lock.withLock { failing = fail } }

    func record(_ record: CutoffRecord, at time: Date) throws {
        try lock.withLock {
            if failing { throw Failure() }
            stored.append(record)
        }
    }
}

enum Fixtures {
    static let start = Date(timeIntervalSince1970: 1_780_000_000)

    static func reading(at seconds: Double, power: Double? = nil, currents: [Double] = []) -> Reading {
        var values: [Quantity: Double] = [:]
        if let power { values[.activePowerTotal] = power }
        for (quantity, current) in zip([Quantity.currentL1, .currentL2, .currentL3], currents) { values[quantity] = current }
        return Reading(meter: "main", time: start.addingTimeInterval(seconds), values: values)
    }

    static func contract(_ block: UInt64, _ state: DisconnectControlState) -> CutoffInput {
        .contract(ContractCutoffState(block: block, state: state))
    }

    /// A controller over a simulated line wired so energising cuts (line active = supply cut).
    static func controller(_ control: DisconnectControl = DisconnectControl(state: .connected),
                           reconnection: RemoteReconnection = .automatic, limiter: LimiterSettings? = nil,
                           effectiveness: CutoffEffectiveness.Settings? = nil,
                           wiring: RelayWiring = RelayWiring(energised: .cuts)) throws -> (CutoffController, SimulatedLine, RecordingJournal) {
        let provider = SimulatedLineProvider()
        let actuator = try RelayActuator.request(GPIOLineAddress(chip: "gpiochip0", line: .offset(17)), wiring: wiring,
                                                 supplyConnected: control.supplyConnected, from: provider)
        let journal = RecordingJournal()
        let controller = CutoffController(control: control, actuator: actuator, journal: journal, reconnection: reconnection,
                                          limiter: limiter, effectiveness: effectiveness, startedAt: start)
        return (controller, provider.lines[0], journal)
    }
}
