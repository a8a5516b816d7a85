import Logging
import MeterDaemon

/// The library's log lines as a command shows its own problems: "warning: message (key=value, …)"
/// on standard error, without the timestamps and labels a service's log carries.
struct TerminalLogHandler: LogHandler {
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        let details = all.isEmpty ? "" : " (" + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ") + ")"
        StandardStream.error.write("\(Self.word(event.level)): \(event.message)\(details)\n")
    }

    private static func word(_ level: Logger.Level) -> String {
        switch level {
        case .trace, .debug: return "debug"
        case .info, .notice: return "note"
        case .warning: return "warning"
        case .error, .critical: return "error"
        }
    }
}
