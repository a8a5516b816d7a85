import Cutoff
import Drivers

/// The `[relay]` table and its `[relay.feedback]` and `[relay.button]` sub-tables.
enum RelayReader {
    enum Supply: String, CaseIterable { case connected, disconnected }

    static func read(_ table: TableReader, meters: [String]) -> RelayConfiguration? {
        defer { table.rejectUnknownKeys() }
        let line = readLine(table, defaultChip: nil)
        let energised = table.choice("energised", required: true, as: RelayWiring.Energised.self)
        let failState = table.choice("fail_state", required: true, as: Supply.self)
        let reconnection = table.choice("remote_reconnection", as: RemoteReconnection.self) ?? .local
        let requestDirectory = table.string("request_dir") ?? RelayConfiguration.defaultRequestDirectory
        let currentLevel = table.number("cutoff_current_a", in: 0.001...10_000)
        let within = table.number("cutoff_within_seconds", in: 0.1...3600) ?? 5
        let meter = table.string("cutoff_meter")
        let feedback = table.table("feedback").flatMap { sub -> FeedbackConfiguration? in
            defer { sub.rejectUnknownKeys() }
            let closedWhen = sub.boolean("active_when_closed") ?? true
            return readLine(sub, defaultChip: line?.chip).map { FeedbackConfiguration(line: $0, activeWhenClosed: closedWhen) }
        }
        let button = table.table("button").flatMap { sub -> GPIOLineAddress? in
            defer { sub.rejectUnknownKeys() }
            return readLine(sub, defaultChip: line?.chip)
        }
        guard let line, let energised, let failState else { return nil }
        let wiring = RelayWiring(energised: energised)
        let expectedFail: Supply = wiring.failStateConnected ? .connected : .disconnected
        if failState != expectedFail {
            table.report("fail_state", "is \"\(failState.rawValue)\", but with energised = \"\(energised.rawValue)\" the unpowered relay leaves the supply \(expectedFail.rawValue)",
                         fix: "wire the other contact (hardware/relay-wiring.md) and set energised = \"\(energised == .cuts ? "connects" : "cuts")\", or correct fail_state")
            return nil
        }
        if currentLevel != nil || meter != nil {
            guard let name = meter ?? meters.first, meters.contains(name) else {
                table.report("cutoff_meter", "names \"\(meter ?? "")\", which is not a [meters.NAME] table",
                             fix: "name the meter upstream of the contactor")
                return nil
            }
            if currentLevel == nil {
                table.report("cutoff_current_a", "is missing", fix: "cutoff_meter needs the current level the cut must fall below")
                return nil
            }
        }
        let observed = currentLevel != nil || feedback != nil
        return RelayConfiguration(
            line: line, wiring: wiring, remoteReconnection: reconnection, feedback: feedback, button: button,
            effectiveness: observed ? CutoffEffectiveness.Settings(currentLevel: currentLevel, withinSeconds: within) : nil,
            effectivenessMeter: currentLevel == nil ? nil : meter ?? meters.first, requestDirectory: requestDirectory)
    }

    /// `chip` (path, name, label or number), `line` (offset or name) and `active_low`.
    private static func readLine(_ table: TableReader, defaultChip: String?) -> GPIOLineAddress? {
        let chip = table.string("chip", required: defaultChip == nil) ?? defaultChip
        let activeLow = table.boolean("active_low") ?? false
        let line: GPIOLineAddress.Line?
        switch table.entries["line"] {
        case .integer?:
            line = table.integer("line", in: 0...1023).map { .offset(UInt32($0)) }
        case .string?:
            line = table.string("line").flatMap { $0.isEmpty ? nil : .name($0) }
            if line == nil { table.report("line", "is empty", fix: "give the line's offset (17) or its name (\"GPIO17\")") }
        case .some:
            // Neither an offset nor a name: reported as "must be an integer, found …".
            _ = table.integer("line", in: 0...1023)
            line = nil
        case nil:
            _ = table.integer("line", required: true, in: 0...1023)
            line = nil
        }
        guard let chip, let line else { return nil }
        if chip.isEmpty { table.report("chip", "is empty", fix: "name the chip: \"gpiochip0\", \"/dev/gpiochip0\" or its label"); return nil }
        return GPIOLineAddress(chip: chip, line: line, activeLow: activeLow)
    }
}
