/// What `meterd chain status` shows: the node reached, the chain, the device's account, the agreement
/// as the contract sees it, and the transactions meterd still tracks. Every part that could not be
/// read carries its error instead, so one broken piece does not hide the rest.
public struct ChainStatus: Sendable {
    public var url: String
    var expectedChainID: UInt64
    var chainID: Result<UInt64, ChainClientError>
    public var latestBlock: Result<UInt64, ChainClientError>?
    var device: Address
    var balance: Result<UInt128, ChainClientError>?
    public var agreementID: UInt64
    var agreement: Result<AgreementState, any Error>?
    var paused: Bool?
    var sender: SenderState?
    var eventCursor: EventCursor?
    public var now: Double
    var dailyGasBudget: UInt64

    /// Reads what the node can tell; stops asking once the chain id is wrong or the node unreachable.
    public static func gather(rpc: RPCClient, binding: AgreementBinding, device: Address, expectedChainID: UInt64,
                              sender: SenderState?, eventCursor: EventCursor?, dailyGasBudget: UInt64, now: Double) async -> ChainStatus {
        var status = ChainStatus(url: rpc.currentURL, expectedChainID: expectedChainID, chainID: .failure(ChainClientError.unreachable("not asked").during("eth_chainId", at: rpc.currentURL)),
                                 device: device, agreementID: binding.agreementID, sender: sender, eventCursor: eventCursor, now: now,
                                 dailyGasBudget: dailyGasBudget)
        do { status.chainID = .success(try await rpc.chainID()) } catch { status.chainID = .failure(error) }
        status.url = rpc.currentURL
        guard case .success(let actual) = status.chainID, actual == expectedChainID else { return status }
        do { status.latestBlock = .success(try await rpc.blockNumber()) } catch { status.latestBlock = .failure(error) }
        do { status.balance = .success(try await rpc.balance(of: device)) } catch { status.balance = .failure(error) }
        do { status.agreement = .success(try await binding.agreement(rpc: rpc)) } catch { status.agreement = .failure(error) }
        // Only a paused contract adds a line; a failure of this one read leaves the line out, the rest of the status stands.
        status.paused = try? await binding.paused(rpc: rpc)
        return status
    }

    /// True when meterd could work with this node: right chain, agreement readable and naming this device.
    public var healthy: Bool {
        guard case .success(let id) = chainID, id == expectedChainID, case .success(let state)? = agreement else { return false }
        return state.device == device
    }

    public var lines: [String] {
        var out: [String] = []
        switch chainID {
        case .failure(let error):
            out.append("node:        \(error)")
            return out
        case .success(let id):
            out.append("node:        \(url)")
            if id != expectedChainID {
                out.append("chain id:    " + ChainIdentityCheck.mismatch(served: id, expected: expectedChainID))
                return out
            }
            out.append("chain id:    \(id)")
        }
        if let latestBlock { out.append("latest block: " + Self.text(latestBlock) { String($0) }) }
        out.append("device:      \(device.checksummed)")
        if let balance { out.append("balance:     " + Self.text(balance) { Self.ether($0) }) }
        switch agreement {
        case .success(let state)?:
            guard state.exists else {
                out.append("agreement \(agreementID): does not exist in this contract (check [chain] contract and agreement_id)")
                break
            }
            if state.device != device {
                out.append("agreement \(agreementID): its device is \(state.device.checksummed), not this key: the contract will refuse its batches")
            }
            out.append("agreement \(agreementID): \(state.status.explanation)"
                       + (state.status.acceptsBatches ? "" : ": meterd sends no batch until the consumer has accepted it and it is active"))
            let control = ["disconnected", "connected", "ready for reconnection"]
            out.append("agreement \(agreementID): period \(state.period), next slot \(state.nextSlot), bonus \(state.bonus), credit \(state.credit), penalised slots \(state.penalisedSlots), unmeasured slots excused \(state.excusedSlots) of \(state.unmeasuredAllowance)")
            out.append("cutoff:      \(Int(state.controlState) < control.count ? control[Int(state.controlState)] : "state \(state.controlState)")"
                       + (state.controlState == 0 ? (state.cutoffAcknowledged ? ", acknowledged" : ", not yet acknowledged") : ""))
            out.append("last confirmed batch: \(state.lastBatchSeq)")
        case .failure(let error)?:
            out.append("agreement \(agreementID): cannot be read: \(error)")
        case nil: break
        }
        if paused == true { out.append("contract:    paused by the utility (batches wait until it is unpaused)") }
        if let sender {
            let today = GasBudget.day(of: now)
            let used = sender.budget.day == today ? sender.budget.used : 0
            out.append("gas today:   \(used) of \(dailyGasBudget)" + (used >= dailyGasBudget ? " (spent: meterd waits for midnight UTC)" : ""))
            if let waiting = sender.waiting { out.append("sending:     \(waiting)") }
            out.append("next nonce:  " + (sender.nextNonce.map { String($0) } ?? "not yet read"))
            out.append("pending:     \(sender.pending.count) transaction(s)")
            for pending in sender.pending {
                var line = "  \(pending.intent): nonce \(pending.nonce), \(pending.signed.hashHex), \(pending.signed.transaction.fee)"
                if let inclusion = pending.inclusion { line += ", mined in block \(inclusion.blockNumber)" + (inclusion.succeeded ? "" : " (reverted)") }
                else if !pending.accepted { line += ", not yet accepted by a node" }
                if !pending.earlierHashes.isEmpty { line += ", replaced \(pending.earlierHashes.count) time(s)" }
                out.append(line)
            }
        } else {
            out.append("pending:     none (no transaction state yet)")
        }
        if let eventCursor { out.append("events read up to block \(eventCursor.nextBlock == 0 ? 0 : eventCursor.nextBlock - 1)") }
        return out
    }

    private static func text<T>(_ result: Result<T, ChainClientError>, _ show: (T) -> String) -> String {
        switch result {
        case .success(let value): return show(value)
        case .failure(let error): return "cannot be read: \(error)"
        }
    }

    /// Wei as ether with up to 6 decimals.
    static func ether(_ wei: UInt128) -> String {
        let unit: UInt128 = 1_000_000_000_000_000_000
        let whole = wei / unit
        let micro = (wei % unit) / 1_000_000_000_000
        let fraction = String(micro)
        return "\(whole).\(String(repeating: "0", count: 6 - fraction.count))\(fraction) ETH"
    }
}
