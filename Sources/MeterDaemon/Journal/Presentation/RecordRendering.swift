import ChainClient
import FoundationEssentials

/// Renders records for people (one line each), as JSON objects (one per line) and as CSV rows.
public enum RecordRendering {
    /// `#12 2026-11-25T14:00:01.000Z reading meter=sdm630 voltage_l1=230.1 …`
    public static func line(_ record: JournalRecord) -> String {
        var parts = ["#\(record.sequence)", RecordFields.iso(record.time), record.kind.name]
        for (name, value) in RecordFields.fields(record) where value != .absent {
            let text = RecordFields.text(value)
            parts.append("\(name)=" + (text.contains(Character(" ")) ? "\"\(text)\"" : text))
        }
        if !record.clockSynchronised { parts.append("(clock not synchronised)") }
        return parts.joined(separator: " ")
    }

    /// One JSON object with stable key order: sequence, time, type, clock_synchronised, hash, then fields.
    public static func json(_ record: JournalRecord) -> String {
        var members = [
            "\"sequence\":\(record.sequence)",
            "\"time\":\(quoted(RecordFields.iso(record.time)))",
            "\"type\":\(quoted(record.kind.name))",
            "\"clock_synchronised\":\(record.clockSynchronised)",
            "\"hash\":\(quoted(Hex.encode(record.hash)))",
        ]
        for (name, value) in RecordFields.fields(record) {
            let encoded: String
            switch value {
            case .text(let text): encoded = quoted(text)
            case .integer(let number): encoded = String(number)
            case .unsigned(let number): encoded = String(number)
            case .number(let number): encoded = number.isFinite ? String(number) : quoted(String(describing: number))
            case .flag(let flag): encoded = flag ? "true" : "false"
            case .absent: encoded = "null"
            }
            members.append("\(quoted(name)):\(encoded)")
        }
        return "{" + members.joined(separator: ",") + "}"
    }

    public static let csvHeader = "sequence,time,type,clock_synchronised,field,value"

    /// Long format: one row per field, so every record type fits one header.
    public static func csvRows(_ record: JournalRecord) -> [String] {
        let prefix = [String(record.sequence), RecordFields.iso(record.time), record.kind.name, String(record.clockSynchronised)]
        let fields = RecordFields.fields(record)
        if fields.isEmpty { return [(prefix + ["", ""]).map(csvCell).joined(separator: ",")] }
        return fields.map { name, value in (prefix + [name, RecordFields.text(value)]).map(csvCell).joined(separator: ",") }
    }

    static func csvCell(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacing("\"", with: "\"\"") + "\""
    }

    static func quoted(_ text: String) -> String {
        JSONValue.quoted(text)
    }
}
