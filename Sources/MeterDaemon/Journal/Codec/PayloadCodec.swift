import ChainClient
import Drivers
import FoundationEssentials

/// Encodes and decodes record payloads: pure functions, no I/O. Layouts are in docs/journal-format.md.
enum PayloadCodec {
    static func encode(_ payload: JournalPayload) throws -> [UInt8] {
        let kind = payload.kind
        var out = ByteWriter()
        switch payload {
        case .reading(let reading): encodeReading(reading, into: &out)
        case .gap(let gap):
            out.string(gap.meter)
            out.i64(Timestamp.microseconds(gap.from))
            out.i64(Timestamp.microseconds(gap.to))
            out.string(gap.reason)
        case .slotClosed(let slot):
            out.varint(slot.slotIndex)
            out.i64(Timestamp.microseconds(slot.slotStart))
            for optional in [slot.consumptionWattHours, slot.endEnergyMilliwattHours] {
                if let value = optional {
                    out.u8(1)
                    out.signedVarint(value)
                } else {
                    out.u8(0)
                }
            }
        case .batchSubmitted(let batch), .batchConfirmed(let batch):
            out.varint(batch.batchSequence)
            out.varint(batch.firstSlot)
            out.varint(UInt64(batch.slotCount))
            out.raw(try fixed32(batch.transactionHash, kind))
            if let block = batch.block {
                out.u8(1)
                out.varint(block)
            } else {
                out.u8(0)
            }
        case .anchored(let anchor):
            out.varint(anchor.sequence)
            out.raw(try fixed32(anchor.transactionHash, kind))
            out.varint(anchor.block)
        case .relayTransition(let transition):
            out.string(transition.from)
            out.string(transition.to)
            out.string(transition.cause)
            if let snapshot = transition.snapshot {
                out.u8(1)
                encodeRelaySnapshot(snapshot, into: &out)
            } else {
                out.u8(0)
            }
        case .configChange(let change):
            out.raw(try fixed32(change.hash, kind))
            out.string(change.summary)
        case .clockSync(let clock):
            out.u8(clock.synchronised ? 1 : 0)
            out.string(clock.detail)
        case .journalCut(let cut):
            out.string(cut.segment)
            out.varint(cut.offset)
            out.varint(cut.bytesCut)
            out.varint(cut.lastSequenceKept)
            out.string(cut.savedAs)
        case .journalBreak(let damage):
            out.string(damage.segment)
            out.varint(damage.offset)
            out.varint(damage.lastGoodSequence)
            out.string(damage.detail)
        case .daemonStart(let version): out.string(version)
        case .daemonStop(let reason): out.string(reason)
        case .checkpoint(let checkpoint):
            out.raw(try fixed32(checkpoint.headHash, kind))
            guard checkpoint.signature.count == 65 else { throw MeterdError.malformedPayload(kind, "signature must be 65 bytes") }
            out.raw(checkpoint.signature)
        case .keyRotation(let rotation):
            out.raw(try fixed32(rotation.headHash, kind))
            out.raw(rotation.oldAddress.bytes)
            out.raw(rotation.newAddress.bytes)
            guard rotation.oldSignature.count == 65, rotation.newSignature.count == 65 else {
                throw MeterdError.malformedPayload(kind, "signatures must be 65 bytes")
            }
            out.raw(rotation.oldSignature)
            out.raw(rotation.newSignature)
        case .guardOutput(let output):
            out.u8(output.request.code)
            out.u8(output.previous.code)
            if let slot = output.slot {
                out.u8(1)
                out.signedVarint(slot)
            } else {
                out.u8(0)
            }
            out.string(output.state)
            if let projected = output.projectedWattHours {
                out.u8(1)
                out.u64(projected.bitPattern)
            } else {
                out.u8(0)
            }
            out.string(output.reason)
        }
        return out.bytes
    }

    static func decode(kind byte: UInt8, _ bytes: ArraySlice<UInt8>) throws -> JournalPayload {
        guard let kind = RecordKind(rawValue: byte) else { throw MeterdError.unknownRecordKind(byte) }
        var input = ByteReader(bytes)
        let payload: JournalPayload
        do {
            payload = try decodeBody(kind, &input)
        } catch let failure as MeterdError where failure.isPayloadFailure {
            throw failure
        } catch {
            throw MeterdError.malformedPayload(kind, "\(error)")
        }
        guard input.isAtEnd else { throw MeterdError.trailingBytes(kind, input.remaining) }
        return payload
    }

    private static func decodeBody(_ kind: RecordKind, _ input: inout ByteReader) throws -> JournalPayload {
        switch kind {
        case .reading: return .reading(try decodeReading(&input))
        case .gap:
            return .gap(Gap(meter: try input.string(), from: Timestamp.date(try input.i64()),
                            to: Timestamp.date(try input.i64()), reason: try input.string()))
        case .slotClosed:
            let index = try input.varint()
            let start = Timestamp.date(try input.i64())
            let consumption = try flag(&input, kind) ? try input.signedVarint() : nil
            let endEnergy = try flag(&input, kind) ? try input.signedVarint() : nil
            return .slotClosed(SlotClosed(slotIndex: index, slotStart: start, consumptionWattHours: consumption,
                                          endEnergyMilliwattHours: endEnergy))
        case .batchSubmitted, .batchConfirmed:
            let sequence = try input.varint()
            let first = try input.varint()
            let count = try input.varint()
            guard count <= UInt64(UInt32.max) else { throw MeterdError.malformedPayload(kind, "slot count \(count) too large") }
            let hash = try input.raw(32)
            let block = try flag(&input, kind) ? try input.varint() : nil
            let batch = Batch(batchSequence: sequence, firstSlot: first, slotCount: UInt32(count), transactionHash: hash, block: block)
            return kind == .batchSubmitted ? .batchSubmitted(batch) : .batchConfirmed(batch)
        case .anchored:
            return .anchored(Anchor(sequence: try input.varint(), transactionHash: try input.raw(32), block: try input.varint()))
        case .relayTransition:
            let (from, to, cause) = (try input.string(), try input.string(), try input.string())
            let snapshot = try flag(&input, kind) ? try decodeRelaySnapshot(&input) : nil
            return .relayTransition(RelayTransition(from: from, to: to, cause: cause, snapshot: snapshot))
        case .configChange:
            return .configChange(ConfigChange(hash: try input.raw(32), summary: try input.string()))
        case .clockSync:
            return .clockSync(ClockSync(synchronised: try flag(&input, kind), detail: try input.string()))
        case .journalCut:
            return .journalCut(JournalCut(segment: try input.string(), offset: try input.varint(), bytesCut: try input.varint(),
                                          lastSequenceKept: try input.varint(), savedAs: try input.string()))
        case .journalBreak:
            return .journalBreak(JournalBreak(segment: try input.string(), offset: try input.varint(),
                                              lastGoodSequence: try input.varint(), detail: try input.string()))
        case .daemonStart: return .daemonStart(version: try input.string())
        case .daemonStop: return .daemonStop(reason: try input.string())
        case .checkpoint: return .checkpoint(Checkpoint(headHash: try input.raw(32), signature: try input.raw(65)))
        case .keyRotation:
            return .keyRotation(KeyRotation(headHash: try input.raw(32), oldAddress: try Address(bytes: try input.raw(20)),
                                            newAddress: try Address(bytes: try input.raw(20)),
                                            oldSignature: try input.raw(65), newSignature: try input.raw(65)))
        case .guardOutput:
            func request(_ byte: UInt8) throws -> LoadRequest {
                guard let request = LoadRequest(code: byte) else { throw MeterdError.malformedPayload(kind, "request \(byte) is not 0, 1 or 2") }
                return request
            }
            let (now, previous) = (try request(try input.u8()), try request(try input.u8()))
            let slot = try flag(&input, kind) ? try input.signedVarint() : nil
            let state = try input.string()
            let projected = try flag(&input, kind) ? Double(bitPattern: try input.u64()) : nil
            return .guardOutput(GuardOutput(request: now, previous: previous, slot: slot, state: state, projectedWattHours: projected,
                                            reason: try input.string()))
        }
    }

    /// Reading layout: meter name; mask of instantaneous values; mask of those stored as float64
    /// (the rest are float32, exact for meters that deliver float32 registers); the values in code
    /// order; mask of energy registers; per register zig-zag varint milliwatt-hours and resolution.
    private static func encodeReading(_ reading: Reading, into out: inout ByteWriter) {
        out.string(reading.meter)
        let values = reading.values.keys.sorted { QuantityCode.code($0) < QuantityCode.code($1) }
        let wide = values.filter { quantity in
            let value = reading.values[quantity]!
            return Double(Float(value)).bitPattern != value.bitPattern
        }
        out.varint(QuantityCode.mask(values))
        out.varint(QuantityCode.mask(wide))
        let wideMask = QuantityCode.mask(wide)
        for quantity in values {
            let value = reading.values[quantity]!
            if wideMask & (1 << UInt64(QuantityCode.code(quantity))) != 0 {
                out.u64(value.bitPattern)
            } else {
                out.u32(Float(value).bitPattern)
            }
        }
        let energy = reading.energy.keys.sorted { QuantityCode.code($0) < QuantityCode.code($1) }
        out.varint(QuantityCode.mask(energy))
        for quantity in energy {
            let register = reading.energy[quantity]!
            out.signedVarint(register.milliwattHours)
            out.signedVarint(register.resolutionMilliwattHours)
        }
    }

    private static func decodeReading(_ input: inout ByteReader) throws -> Reading {
        let meter = try input.string()
        let valueMask = try input.varint()
        let wideMask = try input.varint()
        guard wideMask & ~valueMask == 0 else { throw MeterdError.malformedPayload(.reading, "float64 mask names absent values") }
        var values: [Quantity: Double] = [:]
        for quantity in try QuantityCode.quantities(in: valueMask) {
            if wideMask & (1 << UInt64(QuantityCode.code(quantity))) != 0 {
                values[quantity] = Double(bitPattern: try input.u64())
            } else {
                values[quantity] = Double(Float(bitPattern: try input.u32()))
            }
        }
        var energy: [Quantity: EnergyValue] = [:]
        for quantity in try QuantityCode.quantities(in: try input.varint()) {
            energy[quantity] = EnergyValue(milliwattHours: try input.signedVarint(), resolutionMilliwattHours: try input.signedVarint())
        }
        // The reading's time is the record's timestamp; the frame decoder sets it.
        return Reading(meter: meter, time: Date(timeIntervalSince1970: 0), values: values, energy: energy)
    }

    private static func flag(_ input: inout ByteReader, _ kind: RecordKind) throws -> Bool {
        switch try input.u8() {
        case 0: return false
        case 1: return true
        case let other: throw MeterdError.malformedPayload(kind, "flag byte \(other) is neither 0 nor 1")
        }
    }

    /// Hashes are always 32 bytes on disk; anything else is refused rather than padded.
    private static func fixed32(_ bytes: [UInt8], _ kind: RecordKind) throws -> [UInt8] {
        guard bytes.count == 32 else { throw MeterdError.malformedPayload(kind, "hash must be 32 bytes, got \(bytes.count)") }
        return bytes
    }
}
