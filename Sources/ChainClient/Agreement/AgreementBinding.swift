/// The agreement contract as meterd calls it: calldata for the device's functions, its views, and its
/// logs decoded into typed events. One binding is one agreement id at one contract address.
public struct AgreementBinding: Sendable {
    /// The contract's marker for a slot the meter could not measure (Agreements.vy `UNMEASURED`,
    /// contracts/packing.py `UNMEASURED`).
    static let unmeasured: UInt32 = 0xFFFF_FFFF
    /// Most slots one `submit_batch` carries (Agreements.vy `MAX_BATCH_SLOTS`).
    public static let maximumBatchSlots = 288

    public let contract: Address
    public let agreementID: UInt64

    public init(contract: Address, agreementID: UInt64) {
        self.contract = contract
        self.agreementID = agreementID
    }

    /// Big-endian uint32 values, eight to a word, the first slot in the most significant bytes, the last
    /// word zero-padded (contracts/README.md, "Packing of packed").
    static func pack(_ slots: [UInt32]) -> [Word256] {
        stride(from: 0, to: slots.count, by: 8).map { start in
            var bytes: [UInt8] = []
            bytes.reserveCapacity(32)
            for value in slots[start..<min(start + 8, slots.count)] { bytes += BigEndian.padded(value, to: 4) }
            bytes += [UInt8](repeating: 0, count: 32 - bytes.count)
            return Word256(unchecked: bytes)
        }
    }

    /// A slot's value on the wire: its Wh as uint32, clamped below the marker, or `unmeasured` for a
    /// slot the meter could not measure.
    public static func slotValue(wattHours: Int64?) -> UInt32 {
        guard let wattHours else { return unmeasured }
        return UInt32(clamping: max(0, min(wattHours, Int64(unmeasured) - 1)))
    }

    /// `submit_batch(agreement, batch_seq, first_slot, slot_count, packed, journal_head)`.
    public func submitBatchCall(batchSeq: UInt64, firstSlot: UInt64, slots: [UInt32], journalHead: [UInt8]) throws -> [UInt8] {
        guard (1...Self.maximumBatchSlots).contains(slots.count) else { throw ChainClientError.batchSize(slots.count) }
        guard journalHead.count == 32 else { throw ChainClientError.journalHeadSize(journalHead.count) }
        return try AgreementABI.submitBatch.encodeCall([
            .uint(agreementID), .uint(batchSeq), .uint(firstSlot), .uint(UInt16(slots.count)),
            .array(Self.pack(slots).map { .uint($0) }), .fixedBytes(journalHead),
        ])
    }

    public func acknowledgeCutoffCall(journalHead: [UInt8]) throws -> [UInt8] {
        try headCall(AgreementABI.acknowledgeCutoff, journalHead)
    }

    public func confirmReconnectionCall(journalHead: [UInt8]) throws -> [UInt8] {
        try headCall(AgreementABI.confirmReconnection, journalHead)
    }

    public func reportEmergencyShutdownCall(journalHead: [UInt8]) throws -> [UInt8] {
        try headCall(AgreementABI.reportEmergencyShutdown, journalHead)
    }

    private func headCall(_ function: ABIFunction, _ journalHead: [UInt8]) throws -> [UInt8] {
        guard journalHead.count == 32 else { throw ChainClientError.journalHeadSize(journalHead.count) }
        return try function.encodeCall([.uint(agreementID), .fixedBytes(journalHead)])
    }

    // MARK: views

    private func view(_ function: ABIFunction, _ arguments: [ABIValue], rpc: RPCClient, at tag: BlockTag) async throws -> [ABIValue] {
        let result = try await rpc.call(to: contract, data: try function.encodeCall(arguments), at: tag)
        do { return try function.decodeOutput(result) } catch { throw ChainClientError.undecodable(function: function.name, error) }
    }

    public func agreement(rpc: RPCClient, at tag: BlockTag = .latest) async throws -> AgreementState {
        let values = try await view(AgreementABI.agreement, [.uint(agreementID)], rpc: rpc, at: tag)
        do { return try AgreementState(try values[0].elements()) } catch { throw ChainClientError.undecodable(function: "agreement", error) }
    }

    func deviceState(rpc: RPCClient, at tag: BlockTag = .latest) async throws -> DeviceState {
        let v = try await view(AgreementABI.deviceState, [.uint(agreementID)], rpc: rpc, at: tag)
        do {
            return DeviceState(device: try v[0].address(), lastBatchSeq: try v[1].word().unsigned(), nextSlot: try v[2].word().unsigned(),
                               controlState: try v[3].word().unsigned(), cutoffAcknowledged: try v[4].bool(),
                               status: try AgreementStatus(code: try v[5].word().unsigned()))
        } catch { throw ChainClientError.undecodable(function: "device_state", error) }
    }

    func paused(rpc: RPCClient, at tag: BlockTag = .latest) async throws -> Bool {
        let v = try await view(AgreementABI.paused, [], rpc: rpc, at: tag)
        do { return try v[0].bool() } catch { throw ChainClientError.undecodable(function: "paused", error) }
    }

    /// The agreement's profile: slot s of the agreement is checked against entry s % count.
    public func profile(rpc: RPCClient, at tag: BlockTag = .latest) async throws -> [ProfileSlot] {
        let values = try await view(AgreementABI.profile, [.uint(agreementID)], rpc: rpc, at: tag)
        do { return try ProfileSlot.slots(minima: values[0], maxima: values[1]) } catch { throw ChainClientError.undecodable(function: "profile", error) }
    }

    // MARK: events

    /// Decodes a log of this contract; nil for another contract, another agreement or an unwatched event.
    public func decode(_ log: Log) throws -> ContractEvent? {
        guard log.address == contract else { return nil }
        guard let (id, event) = try AgreementEvent.decode(log) else { return nil }
        if let id, id != agreementID { return nil }
        return ContractEvent(agreementID: id, event: event, blockNumber: log.blockNumber, blockHash: log.blockHash,
                             transactionHash: log.transactionHash, logIndex: log.logIndex)
    }
}
