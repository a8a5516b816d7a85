import ChainClient
import FoundationEssentials
import Logging

/// What meterd learns of its agreement at start (the terms, the profile), kept in the chain state
/// directory so a start while no node answers still has it. The file names the contract and the
/// agreement it came from: a configuration moved to another agreement never uses it.
struct AgreementCache<Value: Codable & Sendable> {
    struct File: Codable {
        var contract: String
        var agreementID: UInt64
        var value: Value
    }

    let path: String
    private let contract: String
    private let agreementID: UInt64

    init(_ chain: ChainConfiguration, fileName: String) {
        path = chain.stateDirectory.appendingPathComponent(fileName)
        contract = chain.contract.checksummed
        agreementID = chain.agreementID
    }

    /// Keeps `value`; a failure is logged with what it costs (`consequence`), the start goes on.
    func save(_ value: Value, logger: Logger, consequence: String) {
        do {
            try FileManager.default.createDirectory(atPath: path.deletingLastPathComponent, withIntermediateDirectories: true)
            try JSONEncoder().encode(File(contract: contract, agreementID: agreementID, value: value))
                .write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            logger.warning("\(path) cannot be written (\(error)): \(consequence)")
        }
    }

    /// The cached value, or why there is none (`.start(.noCachedCopy)`), as the end of a sentence
    /// ("…, and none is cached in PATH").
    func load() -> Result<Value, MeterdError> {
        guard let data = FileManager.default.contents(atPath: path) else { return .failure(MeterdError.start(.noCachedCopy, "none is cached in \(path)")) }
        let file: File
        do { file = try JSONDecoder().decode(File.self, from: data) } catch {
            return .failure(MeterdError.start(.noCachedCopy, "the cached copy \(path) is unreadable (\(error))"))
        }
        guard file.contract == contract, file.agreementID == agreementID else {
            return .failure(MeterdError.start(.noCachedCopy, "the cached copy \(path) is agreement \(file.agreementID) at \(file.contract)"))
        }
        return .success(file.value)
    }

    /// `read` until it returns, up to `attempts` times a second apart; a start failure (the
    /// chain answered, and the answer stops the start) ends it at once.
    static func retrying(attempts: Int, _ read: () async throws -> Value) async throws -> Value {
        var attempt = 1
        while true {
            do { return try await read() } catch let failure as MeterdError where failure.isStartFailure { throw failure } catch {
                guard attempt < attempts else { throw error }
                attempt += 1
                try await Task.sleep(nanoseconds: 1_000_000_000)
            }
        }
    }
}
