import FoundationEssentials
import Glibc

/// The guard's report as the daemon publishes it for other processes (`meterd slot`): a small JSON
/// file in the state directory, replaced atomically (rename) at every settlement reading. It is not
/// fsynced: it is a view of the moment, worthless after a crash, and an SD card should not pay a flush
/// a poll for it.
struct SlotGuardPublication: Sendable, Equatable, Codable {
    static let fileName = "slot-guard.json"

    /// When the daemon wrote it.
    var published: Date
    /// How often it is rewritten while the settlement meter answers (the poll interval).
    var refreshSeconds: Double
    var report: SlotGuardReport?
    /// Why the daemon runs without a guard (no interval known), when it does.
    var noGuard: String?

    init(published: Date, refreshSeconds: Double, report: SlotGuardReport?, noGuard: String? = nil) {
        self.published = published
        self.refreshSeconds = refreshSeconds
        self.report = report
        self.noGuard = noGuard
    }

    static func path(stateDirectory: String) -> String { stateDirectory.appendingPathComponent(fileName) }

    /// Stale once a few refreshes were missed (a meter that does not answer, a daemon that stopped).
    func isStale(now: Date) -> Bool {
        noGuard == nil && now.timeIntervalSince(published) > Self.staleAfter(refreshSeconds: refreshSeconds)
    }

    /// Three refreshes, and a few seconds for a slow read with its retries.
    static func staleAfter(refreshSeconds: Double) -> Double { 3 * refreshSeconds + 5 }

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        encoder.dateEncodingStrategy = .secondsSince1970
        // With no time left, the power needed to reach an unreached minimum is unbounded.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return decoder
    }

    func encoded() throws -> Data { try Self.encoder.encode(self) }

    /// Writes a temporary file beside `path` and renames it over `path`.
    func write(to path: String) throws {
        let temporary = path + ".tmp"
        try encoded().write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }

    /// nil when there is no file (no daemon ever published one here).
    static func read(from path: String) throws -> SlotGuardPublication? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try decoder.decode(SlotGuardPublication.self, from: data)
    }
}
