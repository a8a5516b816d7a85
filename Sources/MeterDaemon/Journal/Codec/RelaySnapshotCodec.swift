/// The snapshot of a relay record, after its "has snapshot" byte (docs/journal-format.md): u8 flags
/// (bit 0 contract state known, 1 manual cutoff, 2 limiter cutoff, 3 awaiting local reconnection,
/// 4 cutoff not effective), u8 control state, and when bit 0 is set u8 contract state and varint block.
extension PayloadCodec {
    static func encodeRelaySnapshot(_ snapshot: RelaySnapshot, into out: inout ByteWriter) {
        let known = snapshot.contractState != nil && snapshot.contractBlock != nil
        var flags: UInt8 = known ? 1 : 0
        if snapshot.manualCutoff { flags |= 1 << 1 }
        if snapshot.limiterCutoff { flags |= 1 << 2 }
        if snapshot.awaitingLocalReconnection { flags |= 1 << 3 }
        if snapshot.cutoffNotEffective { flags |= 1 << 4 }
        out.u8(flags)
        out.u8(snapshot.controlState)
        if known, let state = snapshot.contractState, let block = snapshot.contractBlock {
            out.u8(state)
            out.varint(block)
        }
    }

    static func decodeRelaySnapshot(_ input: inout ByteReader) throws -> RelaySnapshot {
        let flags = try input.u8()
        guard flags & ~0b1_1111 == 0 else { throw MeterdError.malformedPayload(.relayTransition, "unknown snapshot flags \(flags)") }
        let control = try controlState(&input)
        var snapshot = RelaySnapshot(controlState: control, manualCutoff: flags & 1 << 1 != 0, limiterCutoff: flags & 1 << 2 != 0,
                                     awaitingLocalReconnection: flags & 1 << 3 != 0, cutoffNotEffective: flags & 1 << 4 != 0)
        if flags & 1 != 0 {
            snapshot.contractState = try controlState(&input)
            snapshot.contractBlock = try input.varint()
        }
        return snapshot
    }

    private static func controlState(_ input: inout ByteReader) throws -> UInt8 {
        let state = try input.u8()
        guard state <= 2 else { throw MeterdError.malformedPayload(.relayTransition, "control state \(state) is not 0, 1 or 2") }
        return state
    }
}
