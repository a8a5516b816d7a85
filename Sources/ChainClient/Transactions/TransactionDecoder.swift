/// Reads a raw signed transaction back into its fields and recovers its sender: used to check what
/// meterd signs, and to show a transaction found in the node's pool or in a file.
enum TransactionDecoder {
    static func decode(_ raw: [UInt8]) throws(ChainClientError) -> SignedTransaction {
        do {
            if raw.first == 0x02 { return try decode1559(raw) }
            if let first = raw.first, first < 0xC0 { throw ChainClientError.unsupportedTransactionType(first) }
            return try decodeLegacy(raw)
        } catch let error as ChainClientError where error.code.group == .transaction {
            throw error
        } catch let error as ChainClientError where error.code.group == .rlp {
            throw .transactionNotRLP(error)
        } catch let error as ChainClientError where error.code.group == .key {
            throw .invalidTransactionSignature(error)
        } catch {
            throw .transactionNotRLP(.rlpExpected("\(error)"))
        }
    }

    private static func decodeLegacy(_ raw: [UInt8]) throws -> SignedTransaction {
        let fields = try RLP.decode(raw).listValue()
        guard fields.count == 9 else { throw ChainClientError.wrongFieldCount(fields.count) }
        let v = try fields[6].uintValue(UInt64.self)
        guard v >= 35 else { throw ChainClientError.notReplayProtected }
        let chainID = (v - 35) / 2
        let transaction = Transaction(
            chainID: chainID, nonce: try fields[0].uintValue(), gasLimit: try fields[2].uintValue(), to: try address(fields[3]),
            value: try fields[4].uintValue(), data: try fields[5].bytesValue(), fee: .legacy(gasPrice: try fields[1].uintValue()))
        let signature = try signature(r: fields[7], s: fields[8], recovery: UInt8((v - 35) % 2))
        let sender = try signature.recoverAddress(digest: transaction.signingHash)
        return SignedTransaction(transaction: transaction, raw: raw, sender: sender)
    }

    private static func decode1559(_ raw: [UInt8]) throws -> SignedTransaction {
        let fields = try RLP.decode(Array(raw.dropFirst())).listValue()
        guard fields.count == 12 else { throw ChainClientError.wrongFieldCount(fields.count) }
        let transaction = Transaction(
            chainID: try fields[0].uintValue(), nonce: try fields[1].uintValue(), gasLimit: try fields[4].uintValue(),
            to: try address(fields[5]), value: try fields[6].uintValue(), data: try fields[7].bytesValue(),
            fee: .eip1559(maxFeePerGas: try fields[3].uintValue(), maxPriorityFeePerGas: try fields[2].uintValue()))
        guard try fields[8].listValue().isEmpty else { throw ChainClientError.wrongFieldCount(fields.count) }
        let recovery = try fields[9].uintValue(UInt8.self)
        guard recovery <= 1 else { throw ChainClientError.invalidTransactionSignature(.invalidSignature) }
        let signature = try signature(r: fields[10], s: fields[11], recovery: recovery)
        let sender = try signature.recoverAddress(digest: transaction.signingHash)
        return SignedTransaction(transaction: transaction, raw: raw, sender: sender)
    }

    private static func address(_ item: RLPItem) throws -> Address {
        let bytes = try item.bytesValue()
        guard !bytes.isEmpty else { throw ChainClientError.contractCreation }
        return try Address(bytes: bytes)
    }

    private static func signature(r: RLPItem, s: RLPItem, recovery: UInt8) throws -> RecoverableSignature {
        let rBytes = try r.bytesValue(), sBytes = try s.bytesValue()
        guard rBytes.count <= 32, sBytes.count <= 32 else { throw ChainClientError.invalidTransactionSignature(.invalidSignature) }
        return RecoverableSignature(r: [UInt8](repeating: 0, count: 32 - rBytes.count) + rBytes,
                                    s: [UInt8](repeating: 0, count: 32 - sBytes.count) + sBytes, recoveryID: recovery)
    }
}
