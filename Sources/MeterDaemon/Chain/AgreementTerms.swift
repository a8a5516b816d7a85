import ChainClient
import FoundationEssentials
import Logging

/// The agreement's slot clock (its start and slot length), read from the contract and cached in
/// the chain state directory, so meterd can close slots on the right boundaries after a restart
/// while no RPC node answers.
struct AgreementTerms: Codable, Equatable {
    var periodStart: UInt64
    var slotSeconds: UInt64
    var slotsPerPeriod: UInt64

    var clock: SlotClock { SlotClock(origin: Date(timeIntervalSince1970: Double(periodStart)), length: Int(slotSeconds)) }

    /// Also checks that the agreement names `device` (this meterd's key): another key would sign a
    /// journal and batches the contract refuses.
    static func load(chain: ChainConfiguration, rpc: RPCClient, device: Address, logger: Logger, attempts: Int = 3) async throws -> AgreementTerms {
        let cache = AgreementCache<AgreementTerms>(chain, fileName: "agreement.json")
        do {
            let terms = try await AgreementCache<AgreementTerms>.retrying(attempts: attempts) { try await read(chain: chain, rpc: rpc, device: device) }
            cache.save(terms, logger: logger, consequence: "a start while no node answers will fail")
            return terms
        } catch let failure as MeterdError where failure.isStartFailure {
            throw failure
        } catch {
            switch cache.load() {
            case .success(let terms):
                logger.warning("no RPC node answered (\(error)): the agreement's terms are taken from \(cache.path)")
                return terms
            case .failure(let unavailable):
                throw MeterdError.start(.noTerms, "cannot read the agreement's terms (no RPC node answered: \(error)) and \(unavailable); "
                                        + "meterd retries when systemd restarts it")
            }
        }
    }

    private static func read(chain: ChainConfiguration, rpc: RPCClient, device: Address) async throws -> AgreementTerms {
        let state = try await chain.binding.agreement(rpc: rpc)
        guard state.exists else {
            throw MeterdError.start(.noAgreement, "agreement \(chain.agreementID) does not exist in contract \(chain.contract.checksummed): check [chain] agreement_id and contract")
        }
        guard state.device == device else {
            throw MeterdError.start(.wrongDevice, "the device key's address is \(device.checksummed), but agreement \(chain.agreementID) names the device "
                                    + "\(state.device.checksummed): start meterd with that device's key file ([meterd] key_file), or have the utility "
                                    + "propose this key as the agreement's device (electro-admin propose-device), which takes effect once the consumer "
                                    + "accepts it or after the notice time in the terms")
        }
        return AgreementTerms(periodStart: state.periodStart, slotSeconds: state.slotSeconds, slotsPerPeriod: state.slotsPerPeriod)
    }
}
