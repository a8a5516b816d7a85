import ChainClient
import Drivers
import FoundationEssentials

/// A record as named fields, in a fixed order: the one place that knows how each payload is shown.
/// `journal show`, `--json`, and `export --format csv|jsonl` are all built from this.
public enum RecordFields {
    enum Value: Equatable, Sendable {
        case text(String)
        case integer(Int64)
        case unsigned(UInt64)
        case number(Double)
        case flag(Bool)
        case absent
    }

    static func fields(_ record: JournalRecord) -> [(String, Value)] {
        switch record.payload {
        case .reading(let reading):
            var out: [(String, Value)] = [("meter", .text(reading.meter))]
            for quantity in reading.values.keys.sorted() { out.append((quantity.rawValue, .number(reading.values[quantity]!))) }
            for quantity in reading.energy.keys.sorted() {
                let register = reading.energy[quantity]!
                out.append((quantity.rawValue + "_mwh", .integer(register.milliwattHours)))
                out.append((quantity.rawValue + "_resolution_mwh", .integer(register.resolutionMilliwattHours)))
            }
            return out
        case .gap(let gap):
            return [("meter", .text(gap.meter)), ("from", .text(iso(gap.from))), ("to", .text(iso(gap.to))), ("reason", .text(gap.reason))]
        case .slotClosed(let slot):
            return [("slot", .unsigned(slot.slotIndex)), ("slot_start", .text(iso(slot.slotStart))),
                    ("consumption_wh", slot.consumptionWattHours.map { .integer($0) } ?? .absent),
                    ("measured", .flag(slot.consumptionWattHours != nil))]
        case .batchSubmitted(let batch), .batchConfirmed(let batch):
            return [("batch", .unsigned(batch.batchSequence)), ("first_slot", .unsigned(batch.firstSlot)),
                    ("slot_count", .unsigned(UInt64(batch.slotCount))), ("tx", .text(Hex.encode(batch.transactionHash))),
                    ("block", batch.block.map { .unsigned($0) } ?? .absent)]
        case .anchored(let anchor):
            return [("anchored_up_to", .unsigned(anchor.sequence)), ("tx", .text(Hex.encode(anchor.transactionHash))), ("block", .unsigned(anchor.block))]
        case .relayTransition(let transition):
            var out: [(String, Value)] = [("from", .text(transition.from)), ("to", .text(transition.to)), ("cause", .text(transition.cause))]
            if let snapshot = transition.snapshot {
                out.append(("contract_state", snapshot.contractState.map { .unsigned(UInt64($0)) } ?? .absent))
                out.append(("contract_block", snapshot.contractBlock.map { .unsigned($0) } ?? .absent))
                out.append(("manual_cutoff", .flag(snapshot.manualCutoff)))
                out.append(("limiter_cutoff", .flag(snapshot.limiterCutoff)))
                out.append(("awaiting_local_reconnection", .flag(snapshot.awaitingLocalReconnection)))
                out.append(("cutoff_not_effective", .flag(snapshot.cutoffNotEffective)))
            }
            return out
        case .configChange(let change):
            return [("config_hash", .text(Hex.encode(change.hash))), ("summary", .text(change.summary))]
        case .clockSync(let clock):
            return [("synchronised", .flag(clock.synchronised)), ("detail", .text(clock.detail))]
        case .journalCut(let cut):
            return [("segment", .text(cut.segment)), ("offset", .unsigned(cut.offset)), ("bytes_cut", .unsigned(cut.bytesCut)),
                    ("last_sequence_kept", .unsigned(cut.lastSequenceKept)), ("saved_as", .text(cut.savedAs))]
        case .journalBreak(let damage):
            return [("segment", .text(damage.segment)), ("offset", .unsigned(damage.offset)),
                    ("last_good_sequence", .unsigned(damage.lastGoodSequence)), ("detail", .text(damage.detail))]
        case .daemonStart(let version):
            return [("version", .text(version))]
        case .daemonStop(let reason):
            return [("reason", .text(reason))]
        case .checkpoint(let checkpoint):
            return [("head_hash", .text(Hex.encode(checkpoint.headHash))), ("signature", .text(Hex.encode(checkpoint.signature)))]
        case .keyRotation(let rotation):
            return [("head_hash", .text(Hex.encode(rotation.headHash))), ("old_address", .text(rotation.oldAddress.checksummed)),
                    ("new_address", .text(rotation.newAddress.checksummed)), ("old_signature", .text(Hex.encode(rotation.oldSignature))),
                    ("new_signature", .text(Hex.encode(rotation.newSignature)))]
        case .guardOutput(let output):
            return [("request", .text(output.request.rawValue)), ("previous", .text(output.previous.rawValue)),
                    ("slot", output.slot.map { .integer($0) } ?? .absent), ("state", .text(output.state)),
                    ("projected_wh", output.projectedWattHours.map { .number($0) } ?? .absent), ("reason", .text(output.reason))]
        }
    }

    public static func iso(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().timeSeparator(.colon).time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    static func text(_ value: Value) -> String {
        switch value {
        case .text(let text): return text
        case .integer(let number): return String(number)
        case .unsigned(let number): return String(number)
        case .number(let number): return number.isFinite ? String(number) : String(describing: number)
        case .flag(let flag): return flag ? "true" : "false"
        case .absent: return ""
        }
    }
}
