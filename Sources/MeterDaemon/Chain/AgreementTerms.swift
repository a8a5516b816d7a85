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
        let cache = chain.stateDirectory.appendingPathComponent("agreement.json")
        var lastError: (any Error)?
        for attempt in 0..<attempts {
            do {
                let state = try await chain.binding.agreement(rpc: rpc)
                guard state.exists else {
                    throw Daemon.StartFailure(description: "agreement \(chain.agreementID) does not exist in contract \(chain.contract.checksummed): check [chain] agreement_id and contract")
                }
                guard state.device == device else {
                    throw Daemon.StartFailure(description: "the device key's address is \(device.checksummed), but agreement \(chain.agreementID) names the device "
                                              + "\(state.device.checksummed): start meterd with that device's key file ([meterd] key_file), or have the utility "
                                              + "propose this key as the agreement's device (electro-admin propose-device), which takes effect once the consumer "
                                              + "accepts it or after the notice time in the terms")
                }
                let terms = AgreementTerms(periodStart: state.periodStart, slotSeconds: state.slotSeconds, slotsPerPeriod: state.slotsPerPeriod)
                do {
                    try FileManager.default.createDirectory(atPath: chain.stateDirectory, withIntermediateDirectories: true)
                    try JSONEncoder().encode(terms).write(to: URL(fileURLWithPath: cache), options: .atomic)
                } catch {
                    logger.warning("the agreement's terms are not cached in \(cache) (\(error)): a start while no node answers will fail")
                }
                return terms
            } catch let failure as Daemon.StartFailure {
                throw failure
            } catch {
                lastError = error
                if attempt + 1 < attempts { try? await Task.sleep(nanoseconds: 1_000_000_000) }
            }
        }
        let unanswered = "cannot read the agreement's terms (no RPC node answered: \(lastError.map { "\($0)" } ?? "?"))"
        guard let data = FileManager.default.contents(atPath: cache) else {
            throw Daemon.StartFailure(description: unanswered + " and none are cached in \(chain.stateDirectory); meterd retries when systemd restarts it")
        }
        do {
            let terms = try JSONDecoder().decode(AgreementTerms.self, from: data)
            logger.warning("no RPC node answered: the agreement's terms are taken from \(cache)")
            return terms
        } catch {
            throw Daemon.StartFailure(description: unanswered + " and the cached copy \(cache) is unreadable (\(error)); meterd retries when systemd restarts it")
        }
    }
}
