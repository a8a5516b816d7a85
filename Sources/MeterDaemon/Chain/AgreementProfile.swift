import ChainClient
import FoundationEssentials
import Logging

/// The agreement's daily profile (each slot's interval), read from the contract once at start and
/// cached in the chain state directory beside the terms, so a start while no node answers still has it.
/// The profile is part of the agreement's immutable terms: it never changes while the agreement runs.
enum AgreementProfile {
    static func cache(_ chain: ChainConfiguration) -> AgreementCache<[ProfileSlot]> { AgreementCache(chain, fileName: "profile.json") }

    /// The profile as intervals, or nil (said in the log) when neither the node nor the cache has it:
    /// the slot guard is then off, and nothing else depends on it. One attempt by default: the terms
    /// were read just before, with retries, so a node that does not answer now has had its chances,
    /// and the start (before READY=1) should not wait longer for the guard.
    static func load(chain: ChainConfiguration, rpc: RPCClient, logger: Logger, attempts: Int = 1) async -> [SlotInterval]? {
        let cache = cache(chain)
        let slots: [ProfileSlot]
        do {
            slots = try await AgreementCache<[ProfileSlot]>.retrying(attempts: attempts) { try await chain.binding.profile(rpc: rpc) }
        } catch {
            switch cache.load() {
            case .success(let cached) where !cached.isEmpty:
                logger.notice("the agreement's profile is not readable (\(error)): the profile is taken from \(cache.path)")
                return intervals(cached)
            case .success:
                logger.warning("the agreement's profile is not readable (\(error)) and the cached copy \(cache.path) is empty: the slot guard is off")
            case .failure(let unavailable):
                logger.warning("the agreement's profile is not readable (\(error)) and \(unavailable): the slot guard is off until a start that reads it")
            }
            return nil
        }
        guard !slots.isEmpty else {
            logger.warning("the agreement's profile is empty: the slot guard is off")
            return nil
        }
        cache.save(slots, logger: logger, consequence: "a start while no node answers has no slot guard")
        return intervals(slots)
    }

    static func intervals(_ slots: [ProfileSlot]) -> [SlotInterval] {
        slots.map { SlotInterval(minimumWattHours: Double($0.minimumWattHours), maximumWattHours: Double($0.maximumWattHours)) }
    }
}
