import ChainClient
import Drivers
import FoundationEssentials

/// How `meterd read` shows a reading: a table by phase for people, JSON for programs.
public enum ReadingReport {
    private struct Row {
        var label: String
        var unit: String
        var phases: [Quantity?]
        var total: Quantity?
        var decimals: Int
    }

    private static let rows: [Row] = [
        Row(label: "voltage", unit: "V", phases: [.voltageL1, .voltageL2, .voltageL3], total: nil, decimals: 1),
        Row(label: "current", unit: "A", phases: [.currentL1, .currentL2, .currentL3], total: nil, decimals: 3),
        Row(label: "active power", unit: "W", phases: [.activePowerL1, .activePowerL2, .activePowerL3], total: .activePowerTotal, decimals: 1),
        Row(label: "apparent power", unit: "VA", phases: [nil, nil, nil], total: .apparentPowerTotal, decimals: 1),
        Row(label: "reactive power", unit: "var", phases: [nil, nil, nil], total: .reactivePowerTotal, decimals: 1),
        Row(label: "power factor", unit: "", phases: [.powerFactorL1, .powerFactorL2, .powerFactorL3], total: .powerFactorTotal, decimals: 3),
        Row(label: "frequency", unit: "Hz", phases: [nil, nil, nil], total: .frequency, decimals: 2),
        Row(label: "DC voltage", unit: "V", phases: [nil, nil, nil], total: .dcVoltage, decimals: 3),
        Row(label: "DC current", unit: "A", phases: [nil, nil, nil], total: .dcCurrent, decimals: 4),
        Row(label: "temperature", unit: "°C", phases: [nil, nil, nil], total: .temperature, decimals: 1),
        Row(label: "import energy", unit: "kWh",
            phases: [.importActiveEnergyL1, .importActiveEnergyL2, .importActiveEnergyL3], total: .importActiveEnergy, decimals: 3),
        Row(label: "export energy", unit: "kWh",
            phases: [.exportActiveEnergyL1, .exportActiveEnergyL2, .exportActiveEnergyL3], total: .exportActiveEnergy, decimals: 3),
    ]

    /// The table for one reading. `heading` names the meter and where it is.
    public static func table(_ reading: Reading, heading: String) -> String {
        var lines = ["\(heading)  \(timestamp(reading.time))"]
        lines.append(pad("", 22) + ["L1", "L2", "L3", "total"].map { pad($0, 14, right: true) }.joined() + "  step")
        for row in rows {
            let cells = (row.phases + [row.total]).map { quantity in
                quantity.flatMap { format(reading, $0, decimals: row.decimals) ?? (reading.unavailable[$0] == nil ? nil : "n/a") }
            }
            guard cells.contains(where: { $0 != nil }) else { continue }
            let label = row.unit.isEmpty ? row.label : "\(row.label) (\(row.unit))"
            var line = pad(label, 22) + cells.map { pad($0 ?? "", 14, right: true) }.joined()
            if let total = row.total, let energy = reading.energy[total] {
                line += "  \(resolutionText(energy.resolutionMilliwattHours))"
            }
            lines.append(line)
        }
        if reading.values.isEmpty && reading.energy.isEmpty { lines.append("  (no quantity available)") }
        for (quantity, why) in reading.unavailable.sorted(by: { $0.key < $1.key }) {
            lines.append("  n/a \(quantity.rawValue): \(why)")
        }
        return lines.joined(separator: "\n")
    }

    /// A warning for every energy register whose step at its current value is coarser than 1 % of a
    /// slot's expected consumption: consumption per slot cannot be measured finer than that step.
    public static func resolutionWarnings(_ reading: Reading, expectedSlotWh: Double?) -> [String] {
        guard let expectedSlotWh else { return [] }
        return reading.energy.sorted { $0.key < $1.key }.compactMap { quantity, energy in
            let stepWh = Double(energy.resolutionMilliwattHours) / 1000
            guard stepWh > expectedSlotWh / 100 else { return nil }
            return "\(reading.meter): \(quantity.rawValue) steps in \(resolutionText(energy.resolutionMilliwattHours)) at its current value, "
                + "more than 1 % of a slot's expected \(formatNumber(expectedSlotWh, decimals: 0)) Wh, and its profile has no finer register"
        }
    }

    public static func json(_ reading: Reading) -> JSONValue {
        var values: [String: JSONValue] = [:]
        for (quantity, value) in reading.values { values[quantity.rawValue] = .number("\(value)") }
        var energy: [String: JSONValue] = [:]
        for (quantity, value) in reading.energy {
            energy[quantity.rawValue] = .object([
                "kwh": .number("\(value.kilowattHours)"), "milliwatt_hours": .number("\(value.milliwattHours)"),
                "resolution_milliwatt_hours": .number("\(value.resolutionMilliwattHours)"),
            ])
        }
        let unavailable = Dictionary(uniqueKeysWithValues: reading.unavailable.map { ($0.key.rawValue, JSONValue.string($0.value.description)) })
        return .object(["meter": .string(reading.meter), "time": .string(timestamp(reading.time)), "values": .object(values), "energy": .object(energy),
                        "unavailable": .object(unavailable)])
    }

    static func resolutionText(_ milliwattHours: Int64) -> String {
        milliwattHours < 1000 ? "\(milliwattHours) mWh" : "\(formatNumber(Double(milliwattHours) / 1000, decimals: milliwattHours % 1000 == 0 ? 0 : 1)) Wh"
    }

    private static func format(_ reading: Reading, _ quantity: Quantity, decimals: Int) -> String? {
        if let energy = reading.energy[quantity] {
            // Integer mWh printed as kWh without going through floating point.
            let whole = energy.milliwattHours / 1_000_000
            let fraction = abs(energy.milliwattHours % 1_000_000) / 1000
            let sign = energy.milliwattHours < 0 && whole == 0 ? "-" : ""
            return "\(sign)\(whole).\(String(repeating: "0", count: 3 - String(fraction).count))\(fraction)"
        }
        return reading.values[quantity].map { formatNumber($0, decimals: decimals) }
    }

    static func formatNumber(_ value: Double, decimals: Int) -> String {
        decimalText(value, fractionDigits: decimals)
    }

    public static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    private static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return right ? padding + text : text + padding
    }
}
