import FoundationEssentials
import Logging

/// Log lines on standard error with the `<N>` priority prefixes journald reads (sd-daemon(3)),
/// one line per event, metadata as key=value after the message.
public struct JournaldLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String

    public init(label: String, level: Logger.Level = .info) {
        self.label = label
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        StandardStream.error.write(Self.line(event: event, metadata: metadata) + "\n")
    }

    static func line(event: LogEvent, metadata: Logger.Metadata) -> String {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\(quoted("\($0.value)"))" }
        let text = "\(event.message)".replacing("\n", with: " ")
        return "<\(priority(event.level))>" + ([text] + fields).joined(separator: " ")
    }

    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }

    private static func quoted(_ value: String) -> String {
        value.contains(Character(" ")) || value.isEmpty ? "\"\(value.replacing("\"", with: "\\\""))\"" : value
    }
}
