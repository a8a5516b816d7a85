import FoundationEssentials
import Glibc

/// The hand-off from the CLI to a running daemon: one JSON file per request in a directory
/// (`[relay] request_dir`), written under a temporary name and renamed, so the daemon never reads
/// half a request. The daemon takes them in order, feeds them to its controller (which journals the
/// outcome) and deletes them. Files that do not parse are moved aside as `*.rejected`, never retried.
struct RelayRequestSpool: Sendable {
    let directory: String

    init(directory: String) { self.directory = directory }

    /// Writes a request; returns its file.
    @discardableResult
    func submit(_ request: RelayRequest) throws -> String {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let stamp = Int64((request.requestedAt.timeIntervalSince1970 * 1_000_000).rounded())
            let name = "\(stamp.paddedHex(width: 16))-\(getpid()).json"
            let final = directory.appendingPathComponent(name)
            let temporary = final + ".tmp"
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            encoder.outputFormatting = .sortedKeys
            try encoder.encode(request).write(to: URL(fileURLWithPath: temporary))
            guard rename(temporary, final) == 0 else { throw MeterdError.relay(.requestSpool, "renaming \(temporary): \(String(cString: strerror(errno)))") }
            return final
        } catch let failure as MeterdError {
            throw failure
        } catch {
            throw MeterdError.relay(.requestSpool, "cannot leave the request in \(directory) (\(error.systemMessage)); "
                                    + "run the command as the service user or root (sudo -u meterd meterd relay …)")
        }
    }

    /// How many requests wait (none when the directory does not exist yet).
    func waiting() throws(MeterdError) -> Int {
        try names().filter { $0.hasSuffix(".json") }.count
    }

    private func names() throws(MeterdError) -> [String] {
        do { return try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            if !FileManager.default.fileExists(atPath: directory) { return [] }
            throw MeterdError.relay(.requestSpool, "cannot list \(directory): \(error.systemMessage)")
        }
    }

    /// What `take` found: the requests in the order they were made, and the files moved aside.
    struct Taken: Sendable {
        var requests: [RelayRequest] = []
        /// "name.json: why", for each file that was not a request.
        var rejected: [String] = []
    }

    /// The waiting requests, removed from the directory; files that are not requests moved aside.
    func take() throws -> Taken {
        let names = try names()
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        var taken = Taken()
        for name in names.sorted() where name.hasSuffix(".json") {
            let path = directory.appendingPathComponent(name)
            do {
                guard let data = FileManager.default.contents(atPath: path) else { throw MeterdError.relay(.requestSpool, "unreadable") }
                taken.requests.append(try decoder.decode(RelayRequest.self, from: data))
                unlink(path)
            } catch {
                rename(path, path + ".rejected")
                taken.rejected.append("\(name): \(error)")
            }
        }
        return taken
    }
}
