import Foundation
import Testing
@testable import ChainClient

@Suite struct FileStateStoreTests {
    func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("meterd-state-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func savedStateReadsBackAndNoTemporaryFileRemains() throws {
        let folder = try directory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = FileStateStore<EventCursor>(path: folder.appendingPathComponent("events.json").path)
        #expect(try store.load() == nil)
        try store.save(EventCursor(nextBlock: 7))
        try store.save(EventCursor(nextBlock: 9))
        #expect(try store.load() == EventCursor(nextBlock: 9))
        // A cursor written before the watcher stopped keeping the last block's hash still loads.
        try Data(#"{"nextBlock":12,"lastBlock":11,"lastBlockHash":[1,2]}"#.utf8).write(to: URL(fileURLWithPath: store.path))
        #expect(try store.load() == EventCursor(nextBlock: 12))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["events.json"])
        let mode = try FileManager.default.attributesOfItem(atPath: store.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func aDamagedFileOrAMissingDirectoryIsATypedErrorNamingThePath() throws {
        let folder = try directory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("transactions.json").path
        try Data("{\"nextNonce\": ".utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try FileStateStore<SenderState>(path: path).load()
            Issue.record("a damaged file was read")
        } catch let error as ChainClientError {
            guard case .stateFile(path, "reading", _) = error.code else { throw error }
            #expect(error.description.contains(path) && error.description.contains("move it aside"))
        }
        let nowhere = folder.appendingPathComponent("missing/transactions.json").path
        do {
            try FileStateStore<SenderState>(path: nowhere).save(SenderState())
            Issue.record("saved into a missing directory")
        } catch let error as ChainClientError {
            guard case .stateFile(nowhere + ".tmp", "creating", _) = error.code else { throw error }
            #expect(error.description.contains(nowhere + ".tmp") && error.description.contains("state directory"))
        }
    }

    @Test func aSenderStateRoundTripsThroughTheFile() throws {
        let folder = try directory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let key = try PrivateKey(bytes: [UInt8](repeating: 7, count: 32))
        let transaction = Transaction(chainID: 1, nonce: 3, gasLimit: 100_000, to: key.address, data: [1, 2, 3],
                                      fee: .eip1559(maxFeePerGas: UInt128(UInt64.max) * 4, maxPriorityFeePerGas: 1))
        var state = SenderState()
        state.nextNonce = 4
        state.pending = [PendingTransaction(intent: .batch(agreementID: 0, batchSeq: 12), signed: try transaction.signed(with: key),
                                            earlierHashes: [[9, 9]], lastSent: 1.5, accepted: true, inclusion: nil, reservedGas: 100_000, reservedDay: 20_000)]
        state.gasLimits = ["32897cec:292": 150_000]
        let store = FileStateStore<SenderState>(path: folder.appendingPathComponent("transactions.json").path)
        try store.save(state)
        #expect(try store.load() == state)
    }
}
