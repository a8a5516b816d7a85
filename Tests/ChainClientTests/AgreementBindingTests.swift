import Foundation
import Testing
@testable import ChainClient

@Suite struct AgreementBindingTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let contract = try! Address("0x5FbDB2315678afecb367f032d93F642f64180aa3")

    /// contracts/README.md, "Test vector".
    @Test func submitBatchMatchesTheReadmeVector() throws {
        let binding = AgreementBinding(contract: Self.contract, agreementID: 7)
        let data = try binding.submitBatchCall(batchSeq: 2, firstSlot: 96, slots: [1, 2, AgreementBinding.unmeasured], journalHead: [UInt8](repeating: 0x11, count: 32))
        let expected = """
            bc90fd45
            0000000000000000000000000000000000000000000000000000000000000007
            0000000000000000000000000000000000000000000000000000000000000002
            0000000000000000000000000000000000000000000000000000000000000060
            0000000000000000000000000000000000000000000000000000000000000003
            00000000000000000000000000000000000000000000000000000000000000c0
            1111111111111111111111111111111111111111111111111111111111111111
            0000000000000000000000000000000000000000000000000000000000000001
            0000000100000002ffffffff0000000000000000000000000000000000000000
            """.replacingOccurrences(of: "\n", with: "")
        #expect(Hex.encode(data, prefix: false) == expected)
    }

    @Test func packingPutsEightSlotsInAWordFirstSlotHighest() {
        let words = AgreementBinding.pack(Array(1...9))
        #expect(words.count == 2)
        #expect(Hex.encode(words[0].bytes, prefix: false) == (1...8).map { String(repeating: "0", count: 7) + String($0) }.joined())
        #expect(Hex.encode(words[1].bytes, prefix: false) == "00000009" + String(repeating: "0", count: 56))
    }

    @Test func batchesOutsideTheContractsLimitsAreRefused() {
        let binding = AgreementBinding(contract: Self.contract, agreementID: 1)
        #expect(throws: ChainClientError.batchSize(0)) { try binding.submitBatchCall(batchSeq: 1, firstSlot: 0, slots: [], journalHead: [UInt8](repeating: 0, count: 32)) }
        let tooMany = AgreementBinding.maximumBatchSlots + 1
        #expect(throws: ChainClientError.batchSize(tooMany)) {
            try binding.submitBatchCall(batchSeq: 1, firstSlot: 0, slots: Array(repeating: 1, count: tooMany), journalHead: [UInt8](repeating: 0, count: 32))
        }
        #expect(throws: ChainClientError.journalHeadSize(31)) { try binding.acknowledgeCutoffCall(journalHead: [UInt8](repeating: 0, count: 31)) }
    }

    @Test func aSlotsValueOnTheWireNeverReadsAsTheMarker() {
        #expect(AgreementBinding.slotValue(wattHours: nil) == AgreementBinding.unmeasured)
        #expect(AgreementBinding.slotValue(wattHours: 1234) == 1234)
        #expect(AgreementBinding.slotValue(wattHours: -5) == 0)
        #expect(AgreementBinding.slotValue(wattHours: Int64(AgreementBinding.unmeasured)) == AgreementBinding.unmeasured - 1)
        #expect(AgreementBinding.slotValue(wattHours: .max) == AgreementBinding.unmeasured - 1)
    }

    /// The binding's functions and events, compared with the committed build: a change to the contract
    /// that the binding does not follow fails here.
    @Test func bindingMatchesTheCommittedABI() throws {
        let data = try Data(contentsOf: Self.repository.appendingPathComponent("contracts/build/Agreements.json"))
        let build = try JSONParser.parse(Array(data))
        guard case .array(let entries)? = build["abi"] else { Issue.record("no abi in the build"); return }
        func types(_ list: JSONValue?) -> [String] {
            guard case .array(let items)? = list else { return [] }
            return items.map { item in
                guard case .string(let type)? = item["type"] else { return "?" }
                if type == "tuple" { return "(" + types(item["components"]).joined(separator: ",") + ")" }
                return type
            }
        }
        for function in AgreementABI.functions {
            let entry = entries.first { $0["type"] == .string("function") && $0["name"] == .string(function.name) }
            #expect(entry != nil, "\(function.name) is not in the ABI")
            #expect(types(entry?["inputs"]) == function.inputs.map(\.description), "\(function.name) inputs")
            #expect(types(entry?["outputs"]) == function.outputs.map(\.description), "\(function.name) outputs")
        }
        let readmeSelectors = ["submit_batch": "bc90fd45", "acknowledge_cutoff": "4afd5cd0", "confirm_reconnection": "e875f867",
                               "report_emergency_shutdown": "9bca4489", "close_period": "25827643", "device_state": "b60b1d93",
                               "agreement": "d5a7420d", "period_end": "42760593", "paused": "5c975abb",
                               "profile": "72cd2b1a"]
        for function in AgreementABI.functions {
            #expect(Hex.encode(function.selector, prefix: false) == readmeSelectors[function.name], "\(function.name)")
        }
        for event in AgreementABI.events {
            let entry = entries.first { $0["type"] == .string("event") && $0["name"] == .string(event.name) }
            #expect(entry != nil, "\(event.name) is not in the ABI")
            #expect(types(entry?["inputs"]) == event.parameters.map(\.type.description), "\(event.name) types")
            guard case .array(let inputs)? = entry?["inputs"] else { continue }
            #expect(inputs.map { $0["indexed"] == .bool(true) } == event.parameters.map(\.indexed), "\(event.name) indexed")
        }
        #expect(Hex.encode(AgreementABI.cutoffOrdered.topic, prefix: false).hasPrefix("bf6311ae"))
        #expect(Hex.encode(AgreementABI.batchSubmitted.topic, prefix: false).hasPrefix("50ad259a"))
        #expect(Hex.encode(AgreementABI.reconnectionAllowed.topic, prefix: false).hasPrefix("3488f9b8"))
    }

    @Test func logsDecodeIntoTypedEventsOfThisAgreementOnly() throws {
        let binding = AgreementBinding(contract: Self.contract, agreementID: 3)
        func log(_ event: ABIEvent, id: UInt64, data: [UInt8], address: Address = Self.contract) -> Log {
            Log(address: address, topics: [event.topic, Word256(id).bytes], data: data, blockNumber: 10, blockHash: [UInt8](repeating: 1, count: 32),
                transactionHash: [UInt8](repeating: 2, count: 32), logIndex: 0, removed: false)
        }
        let reason = try ABIEncoder.encode([.string("overload")], as: [.string])
        #expect(try binding.decode(log(AgreementABI.cutoffOrdered, id: 3, data: reason))?.event == .cutoffOrdered(reason: "overload"))
        #expect(try binding.decode(log(AgreementABI.cutoffOrdered, id: 4, data: reason)) == nil)
        #expect(try binding.decode(log(AgreementABI.cutoffOrdered, id: 3, data: reason, address: try Address("0x" + String(repeating: "1", count: 40)))) == nil)
        let adjusted = try ABIEncoder.encode([.int(Int64(-250)), .uint(UInt64(750)), .string("meter fault")], as: [.int(256), .uint(256), .string])
        #expect(try binding.decode(log(AgreementABI.bonusAdjusted, id: 3, data: adjusted))?.event == .bonusAdjusted(delta: -250, bonus: 750, reason: "meter fault"))
        #expect(try binding.decode(log(AgreementABI.reconnectionAllowed, id: 3, data: []))?.event == .reconnectionAllowed)
        #expect { try binding.decode(log(AgreementABI.cutoffOrdered, id: 3, data: [0, 1])) } throws: { isChainClientError($0, .abi) }
    }

    static func batchLog(_ batch: Word256, agreement: UInt64 = 3) throws -> Log {
        let data = try ABIEncoder.encode([.uint(batch), .uint(UInt64(250)), .fixedBytes([UInt8](repeating: 0xAB, count: 32))],
                                         as: [.uint(256), .uint(256), .fixedBytes(32)])
        return Log(address: Self.contract, topics: [AgreementABI.batchSubmitted.topic, Word256(agreement).bytes], data: data, blockNumber: 10,
                   blockHash: [UInt8](repeating: 1, count: 32), transactionHash: [UInt8](repeating: 2, count: 32), logIndex: 0, removed: false)
    }

    static func packed(seq: UInt128, firstSlot: UInt128, count: UInt128, violations: UInt128, unmeasured: UInt128) -> Word256 {
        Word256(seq | firstSlot << 32 | count << 72 | violations << 88 | unmeasured << 104)
    }

    /// The counters come out of the event's one packed word field by field, at the widest values the
    /// contract can pack (contracts/README.md, Events).
    @Test func aBatchLogsPackedCountersAreUnpackedFieldByField() throws {
        let binding = AgreementBinding(contract: Self.contract, agreementID: 3)
        let widest = Self.packed(seq: 0xFFFF_FFFF, firstSlot: 0xFF_FFFF_FFFF, count: 288, violations: 0xFFFF, unmeasured: 0xFFFE)
        #expect(try binding.decode(Self.batchLog(widest))?.event == .batchSubmitted(
            batchSeq: 0xFFFF_FFFF, firstSlot: 0xFF_FFFF_FFFF, slotCount: 288, violations: 0xFFFF, unmeasured: 0xFFFE, bonus: 250,
            journalHead: [UInt8](repeating: 0xAB, count: 32)))
        #expect { try binding.decode(Self.batchLog(Word256(UInt128(1) << 120))) } throws: { isChainClientError($0, .abi) }
    }

    /// Found by the abi fuzz target: a BatchSubmitted log with no slots, or with slots past the last
    /// slot number, trapped in the event's description, which the event watcher logs for every event.
    @Test func aBatchLogOfNoSlotsOrSlotsPastTheLastNumberIsDescribedNotATrap() throws {
        let binding = AgreementBinding(contract: Self.contract, agreementID: 3)
        func description(firstSlot: UInt128, count: UInt128) throws -> String? {
            try binding.decode(Self.batchLog(Self.packed(seq: 7, firstSlot: firstSlot, count: count, violations: 0, unmeasured: 1)))?.event.description
        }
        let journal = String(repeating: "ab", count: 32)
        #expect(try description(firstSlot: 4700, count: 12) == "BatchSubmitted batch 7 slots 4700..4711 violations 0 unmeasured 1 bonus 250 journal 0x\(journal)")
        #expect(try description(firstSlot: 0, count: 0) == "BatchSubmitted batch 7 0 slots from 0 violations 0 unmeasured 1 bonus 250 journal 0x\(journal)")
        #expect(try description(firstSlot: 0xFF_FFFF_FFFF, count: 0xFFFF)?.contains("slots \(0xFF_FFFF_FFFF)..\(0xFF_FFFF_FFFF + 0xFFFE) ") == true)
    }
}
