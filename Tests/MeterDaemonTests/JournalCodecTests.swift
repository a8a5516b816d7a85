import ChainClient
import Drivers
import Foundation
import Testing
@testable import MeterDaemon

@Suite struct JournalCodecTests {
    @Test func crc32cCheckValues() {
        // The standard check value of CRC-32C, and RFC 3720's 32 zero bytes / 32 0xFF bytes.
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum([]) == 0)
    }

    @Test func crc32cSlicedEqualsBytewiseForEveryLength() {
        func bytewise(_ bytes: [UInt8]) -> UInt32 {
            var crc: UInt32 = 0xFFFF_FFFF
            for byte in bytes {
                crc ^= UInt32(byte)
                for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
            }
            return ~crc
        }
        for length in 0..<80 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 53 + 7) }
            #expect(CRC32C.checksum(bytes) == bytewise(bytes), "length \(length)")
        }
    }

    @Test func varintsRoundTripAtEveryBitBoundary() throws {
        var values: [UInt64] = [0, .max]
        for bit in 0..<64 { values += [1 << UInt64(bit), (1 << UInt64(bit)) - 1, (1 << UInt64(bit)) + 1] }
        for value in values {
            var writer = ByteWriter()
            writer.varint(value)
            writer.signedVarint(Int64(bitPattern: value))
            var reader = ByteReader(writer.bytes)
            #expect(try reader.varint() == value)
            #expect(try reader.signedVarint() == Int64(bitPattern: value))
            #expect(reader.isAtEnd)
        }
        var overlong = ByteReader([UInt8](repeating: 0xFF, count: 10) + [0x01])
        #expect(throws: MeterdError.overlongVarint) { try overlong.varint() }
    }

    static let samples: [JournalPayload] = {
        let hash = (0..<32).map { UInt8($0) }
        let t0 = Date(timeIntervalSince1970: 1_790_000_000.123456)
        return [
            .reading(JournalFixtures.reading(3)),
            .reading(Reading(meter: "odd", time: t0, values: [.frequency: 50.0123456789, .temperature: -.infinity, .dcCurrent: .nan],
                             energy: [.importActiveEnergy: EnergyValue(milliwattHours: -5, resolutionMilliwattHours: 0)])),
            .reading(Reading(meter: "", time: t0)),
            .gap(Gap(meter: "sdm120", from: t0, to: t0.addingTimeInterval(61), reason: "Modbus timeout on /dev/ttyUSB0 unit 2")),
            .slotClosed(SlotClosed(slotIndex: 4711, slotStart: t0, consumptionWattHours: 12_345)),
            .slotClosed(SlotClosed(slotIndex: 4712, slotStart: t0, consumptionWattHours: nil)),
            .batchSubmitted(Batch(batchSequence: 7, firstSlot: 4700, slotCount: 12, transactionHash: hash)),
            .batchConfirmed(Batch(batchSequence: 7, firstSlot: 4700, slotCount: 12, transactionHash: hash, block: 19_000_001)),
            .anchored(Anchor(sequence: 123_456, transactionHash: hash, block: 19_000_001)),
            .relayTransition(RelayTransition(from: "connected", to: "disconnected", cause: "contract ordered cutoff, block 19000002")),
            .relayTransition(RelayTransition(from: "connected", to: "disconnected", cause: "remote disconnect: contract state disconnected at block 19000002",
                                             snapshot: RelaySnapshot(controlState: 0, contractState: 0, contractBlock: 19_000_002, limiterCutoff: true,
                                                                     cutoffNotEffective: true))),
            .relayTransition(RelayTransition(from: "disconnected", to: "ready for reconnection", cause: "reconciliation at start",
                                             snapshot: RelaySnapshot(controlState: 2, manualCutoff: true, awaitingLocalReconnection: true))),
            .configChange(ConfigChange(hash: hash, summary: "meters: +sdm120 unit 2")),
            .clockSync(ClockSync(synchronised: false, detail: "chrony lost its sources")),
            .journalCut(JournalCut(segment: "0000000000000001.seg", offset: 4096, bytesCut: 37, lastSequenceKept: 99, savedAs: "x.cut-4096")),
            .journalBreak(JournalBreak(segment: "0000000000000001.seg", offset: 68, lastGoodSequence: 0, detail: "CRC")),
            .daemonStart(version: "0.1.0"),
            .daemonStop(reason: "SIGTERM"),
            .checkpoint(Checkpoint(headHash: hash, signature: [UInt8](repeating: 9, count: 65))),
            .keyRotation(KeyRotation(headHash: hash, oldAddress: JournalFixtures.key.address, newAddress: try! Address(bytes: [UInt8](repeating: 0xAB, count: 20)),
                                     oldSignature: [UInt8](repeating: 3, count: 65), newSignature: [UInt8](repeating: 4, count: 65))),
            .guardOutput(GuardOutput(request: .shed, previous: .none, slot: 1234, state: "heading-over", projectedWattHours: 10_512.25,
                                     reason: "slot 1234 heading-over: projected 10.5 kWh above the maximum of 10.0 kWh")),
            .guardOutput(GuardOutput(request: .none, previous: .add, slot: nil, state: "register-missing", projectedWattHours: nil,
                                     reason: "the guard has no projection (register-missing)")),
        ]
    }()

    @Test func aGuardOutputWithAnUnknownRequestIsRefused() throws {
        var bytes = try PayloadCodec.encode(.guardOutput(GuardOutput(request: .add, previous: .none, slot: 1, state: "heading-under",
                                                                     projectedWattHours: 1, reason: "r")))
        bytes[0] = 3
        #expect(throws: MeterdError.malformedPayload(.guardOutput, "request 3 is not 0, 1 or 2")) {
            try PayloadCodec.decode(kind: RecordKind.guardOutput.rawValue, bytes[...])
        }
    }

    @Test func everyKindRoundTrips() throws {
        #expect(Set(Self.samples.map(\.kind)) == Set(RecordKind.allCases))
        for payload in Self.samples {
            let bytes = try PayloadCodec.encode(payload)
            let decoded = try PayloadCodec.decode(kind: payload.kind.rawValue, bytes[...])
            switch (payload, decoded) {
            case (.reading(let a), .reading(let b)):
                // The time travels in the frame; NaN is compared by bit pattern.
                #expect(a.meter == b.meter && a.energy == b.energy)
                #expect(a.values.mapValues(\.bitPattern) == b.values.mapValues(\.bitPattern))
            default:
                #expect(decoded == payload)
            }
        }
    }

    @Test func everyTruncationOfEveryPayloadIsRefusedNotTrapped() throws {
        for payload in Self.samples {
            let bytes = try PayloadCodec.encode(payload)
            for length in 0..<bytes.count {
                expectMeterdError(\.isPayloadFailure) { try PayloadCodec.decode(kind: payload.kind.rawValue, bytes[0..<length]) }
            }
            #expect(throws: MeterdError.trailingBytes(payload.kind, 1)) {
                try PayloadCodec.decode(kind: payload.kind.rawValue, (bytes + [0])[...])
            }
        }
        #expect(throws: MeterdError.unknownRecordKind(200)) { try PayloadCodec.decode(kind: 200, [][...]) }
    }

    @Test func wrongHashLengthsAreRefused() {
        expectMeterdError(\.isPayloadFailure) {
            try PayloadCodec.encode(.anchored(Anchor(sequence: 1, transactionHash: [1, 2], block: 1)))
        }
    }

    @Test func float32ValuesTakeFourBytesAndOthersEight() throws {
        let time = Date(timeIntervalSince1970: 0)
        let narrow = try PayloadCodec.encode(.reading(Reading(meter: "m", time: time, values: [.voltageL1: Double(Float(230.1))])))
        let wide = try PayloadCodec.encode(.reading(Reading(meter: "m", time: time, values: [.voltageL1: 230.1])))
        #expect(wide.count - narrow.count == 4)
    }

    @Test func quantityCodesAreUniqueAndStable() {
        let codes = Quantity.allCases.map(QuantityCode.code)
        #expect(Set(codes).count == codes.count)
        #expect(QuantityCode.code(.voltageL1) == 0 && QuantityCode.code(.importActiveEnergy) == 20 && QuantityCode.code(.exportActiveEnergyL3) == 27)
    }

    @Test func framesParseAndEveryDamageIsClassified() throws {
        let body = RecordFrame.body(kind: .daemonStart, sequence: 5, time: JournalFixtures.base, clockSynchronised: false,
                                    payload: try PayloadCodec.encode(.daemonStart(version: "0.1.0")))
        let frame = RecordFrame.frame(body: body)
        #expect(RecordFrame.parse(frame, at: 0) == .frame(bodyRange: 8..<frame.count, end: frame.count))
        let record = try RecordFrame.decode(body[...], hash: [])
        #expect(record.sequence == 5 && !record.clockSynchronised && record.time == JournalFixtures.base)
        for cut in 0..<frame.count {
            #expect(RecordFrame.parse(Array(frame[0..<cut]), at: 0) == .incomplete, "cut at \(cut)")
        }
        for byte in 8..<frame.count {
            for bit in 0..<8 {
                var flipped = frame
                flipped[byte] ^= 1 << UInt8(bit)
                #expect(RecordFrame.parse(flipped, at: 0) == .badChecksum)
            }
        }
        #expect(RecordFrame.parse([0, 0, 0, 0, 0, 0, 0, 0], at: 0) == .badLength(0))
    }

    @Test func segmentHeaderRoundTripsAndRefusesDamage() throws {
        let header = SegmentHeader(firstSequence: 42, startHash: [UInt8](repeating: 7, count: 32), created: JournalFixtures.base)
        let bytes = header.encoded()
        #expect(bytes.count == SegmentHeader.size)
        #expect(try SegmentHeader.decode(bytes) == header)
        var flipped = bytes
        flipped[20] ^= 1
        #expect(throws: MeterdError.segmentHeaderChecksum) { try SegmentHeader.decode(flipped) }
        #expect(throws: MeterdError.segmentHeaderTooShort(10)) { try SegmentHeader.decode(Array(bytes[0..<10])) }
        #expect(SegmentHeader.fileName(firstSequence: 0x1F) == "000000000000001f.seg")
        for impossible in [UInt64(0), .max] {
            let crafted = SegmentHeader(firstSequence: impossible, startHash: [UInt8](repeating: 0, count: 32), created: JournalFixtures.base).encoded()
            #expect(throws: MeterdError.badFirstSequence(impossible)) { try SegmentHeader.decode(crafted) }
        }
    }
}
