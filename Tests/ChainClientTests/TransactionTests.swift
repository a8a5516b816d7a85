import Testing
@testable import ChainClient

@Suite struct TransactionTests {
    static let eip155Key = try! PrivateKey(bytes: [UInt8](repeating: 0x46, count: 32))
    static let recipient = try! Address("0x3535353535353535353535353535353535353535")

    /// The example in EIP-155 itself: nonce 9, 20 gwei, 21000 gas, 1 ether to 0x3535…35 on chain 1.
    @Test func eip155Example() throws {
        let transaction = Transaction(chainID: 1, nonce: 9, gasLimit: 21000, to: Self.recipient, value: 1_000_000_000_000_000_000,
                                      data: [], fee: .legacy(gasPrice: 20_000_000_000))
        #expect(Hex.encode(transaction.signingPayload, prefix: false)
                == "ec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080")
        #expect(Hex.encode(transaction.signingHash, prefix: false) == "daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53")
        let signed = try transaction.signed(with: Self.eip155Key)
        #expect(Hex.encode(signed.raw, prefix: false) == "f86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83")
    }

    @Test func signedTransactionsDecodeToTheirFieldsAndSender() throws {
        let key = PrivateKey.generate()
        let fees: [TransactionFee] = [.legacy(gasPrice: 0), .legacy(gasPrice: 7), .eip1559(maxFeePerGas: 3_000_000_000, maxPriorityFeePerGas: 1_000_000_000)]
        for fee in fees {
            for chainID: UInt64 in [1, 1337, 11_155_111] {
                let transaction = Transaction(chainID: chainID, nonce: 42, gasLimit: 150_000, to: Self.recipient, data: [0x32, 0x89, 0x7C, 0xEC, 0, 1], fee: fee)
                let signed = try transaction.signed(with: key)
                let decoded = try TransactionDecoder.decode(signed.raw)
                #expect(decoded.transaction == transaction)
                #expect(decoded.sender == key.address)
                #expect(decoded.hash == signed.hash)
            }
        }
    }

    @Test func eip1559TransactionsAreType2WithAnEmptyAccessList() throws {
        let transaction = Transaction(chainID: 1337, nonce: 0, gasLimit: 21000, to: Self.recipient, data: [],
                                      fee: .eip1559(maxFeePerGas: 2, maxPriorityFeePerGas: 1))
        #expect(transaction.signingPayload.first == 0x02)
        let fields = try RLP.decode(Array(transaction.signingPayload.dropFirst())).listValue()
        #expect(fields.count == 9)
        #expect(fields[8] == .list([]))
        #expect(try fields[2].uintValue(UInt8.self) == 1 && fields[3].uintValue(UInt8.self) == 2)
    }

    @Test func malformedRawTransactionsAreRefused() throws {
        #expect(throws: ChainClientError.unsupportedTransactionType(0x01)) { try TransactionDecoder.decode([0x01, 0xC0]) }
        #expect(throws: ChainClientError.wrongFieldCount(0)) { try TransactionDecoder.decode([0xC0]) }
        #expect(throws: ChainClientError.transactionNotRLP(.rlpTruncated)) { try TransactionDecoder.decode([0x02, 0xC5]) }
        let unprotected = RLPItem.list([.uint(UInt8(1)), .uint(UInt8(1)), .uint(UInt16(21000)), .bytes(Self.recipient.bytes), .bytes([]), .bytes([]),
                                        .uint(UInt8(27)), .bytes([1]), .bytes([1])]).encoded
        #expect(throws: ChainClientError.notReplayProtected) { try TransactionDecoder.decode(unprotected) }
    }
}
