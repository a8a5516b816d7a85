import ChainClient
import FoundationEssentials
import Logging

/// The agreement's daily profile (each slot's interval), read from the contract once at start and
/// cached in the chain state directory beside the terms, so a start while no node answers still has it.
/// The profile is part of the agreement's immutable terms: it never changes while the agreement runs.
enum AgreementProfile {
    /// The cache names its agreement, so a configuration that moves to another agreement does not use it.
    struct Cache: Codable, Equatable {
        var contract: String
        var agreementID: UInt64
        var slots: [ProfileSlot]
    }

    static func cachePath(_ chain: ChainConfiguration) -> String { chain.stateDirectory.appendingPathComponent("profile.json") }

    /// The profile as intervals, or nil (said in the log) when neither the node nor the cache has it:
    /// the slot guard is then off, and nothing else depends on it. One attempt by default: the terms
    /// were read just before, with retries, so a node that does not answer now has had its chances,
    /// and the start (before READY=1) should not wait longer for the guard.
    static func load(chain: ChainConfiguration, rpc: RPCClient, logger: Logger, attempts: Int = 1) async -> [SlotInterval]? {
        let path = cachePath(chain)
        var lastError: (any Error)?
        for attempt in 0..<attempts {
            do {
                let slots = try await chain.binding.profile(rpc: rpc)
                guard !slots.isEmpty else {
                    logger.warning("the agreement's profile is empty: the slot guard is off")
                    return nil
                }
                do {
                    try JSONEncoder().encode(Cache(contract: chain.contract.checksummed, agreementID: chain.agreementID, slots: slots))
                        .write(to: URL(fileURLWithPath: path), options: .atomic)
                } catch {
                    logger.warning("the agreement's profile is not cached in \(path) (\(error)): a start while no node answers has no slot guard")
                }
                return intervals(slots)
            } catch {
                lastError = error
                if attempt + 1 < attempts { try? await Task.sleep(nanoseconds: 1_000_000_000) }
            }
        }
        let unanswered = "the agreement's profile is not readable (\(lastError.map { "\($0)" } ?? "?"))"
        guard let data = FileManager.default.contents(atPath: path) else {
            logger.warning("\(unanswered) and none is cached in \(path): the slot guard is off until a start that reads it")
            return nil
        }
        guard let cache = try? JSONDecoder().decode(Cache.self, from: data), !cache.slots.isEmpty else {
            logger.warning("\(unanswered) and the cached copy \(path) is unreadable: the slot guard is off until a start that reads it")
            return nil
        }
        guard cache.contract == chain.contract.checksummed, cache.agreementID == chain.agreementID else {
            let other = "agreement \(cache.agreementID) at \(cache.contract)"
            logger.warning("\(unanswered) and the cached copy \(path) is \(other): the slot guard is off until a start that reads it")
            return nil
        }
        logger.notice("\(unanswered): the profile is taken from \(path)")
        return intervals(cache.slots)
    }

    static func intervals(_ slots: [ProfileSlot]) -> [SlotInterval] {
        slots.map { SlotInterval(minimumWattHours: Double($0.minimumWattHours), maximumWattHours: Double($0.maximumWattHours)) }
    }
}
