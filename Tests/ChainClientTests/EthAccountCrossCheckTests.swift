import Foundation
import Testing
@testable import ChainClient

/// Transactions signed by meterd, read back by eth-account (an independent implementation): it must
/// recover meterd's address from them, read the same fields, and sign the same fields to the same bytes
/// (both use RFC 6979 nonces, so the signatures are identical).
@Suite struct EthAccountCrossCheckTests {
    static let script = #"""
import json, sys
from eth_account import Account
from eth_account.typed_transactions import TypedTransaction
from eth_utils import to_checksum_address
import rlp
from hexbytes import HexBytes
results = []
for case in json.load(sys.stdin):
    raw = bytes.fromhex(case["raw"][2:])
    sender = Account.recover_transaction(raw)
    if raw[0] == 2:
        fields = TypedTransaction.from_bytes(HexBytes(raw)).as_dict()
        decoded = {"type": 2, "chainId": fields["chainId"], "nonce": fields["nonce"], "gas": fields["gas"],
                   "to": to_checksum_address(fields["to"]), "value": fields["value"], "data": "0x" + bytes(fields["data"]).hex(),
                   "maxFeePerGas": fields["maxFeePerGas"], "maxPriorityFeePerGas": fields["maxPriorityFeePerGas"]}
    else:
        nonce, gas_price, gas, to, value, data, v, r, s = rlp.decode(raw)
        chain_id = (int.from_bytes(v, "big") - 35) // 2
        decoded = {"chainId": chain_id, "nonce": int.from_bytes(nonce, "big"), "gas": int.from_bytes(gas, "big"),
                   "to": to_checksum_address(to), "value": int.from_bytes(value, "big"), "data": "0x" + data.hex(),
                   "gasPrice": int.from_bytes(gas_price, "big")}
    resigned = Account.sign_transaction(decoded, case["key"]).raw_transaction.hex()
    results.append({"sender": sender, "fields": decoded, "resigned": "0x" + resigned.removeprefix("0x")})
json.dump(results, sys.stdout)
"""#

    @Test func ethAccountRecoversTheSenderAndSignsTheSameBytes() throws {
        let key = try PrivateKey(bytes: Keccak256.hash(Array("meterd cross-check".utf8)))
        let to = try Address("0x5FbDB2315678afecb367f032d93F642f64180aa3")
        var transactions: [Transaction] = []
        for (index, chainID) in [UInt64(1), 1337, 11_155_111, 2018].enumerated() {
            let data = try AgreementBinding(contract: to, agreementID: UInt64(index + 1))
                .submitBatchCall(batchSeq: UInt64(index + 1), firstSlot: UInt64(index * 96), slots: Array(0..<UInt32(96)), journalHead: Keccak256.hash([UInt8(index)]))
            transactions.append(Transaction(chainID: chainID, nonce: UInt64(index * 1000), gasLimit: 150_000 + UInt64(index), to: to, data: data,
                                            fee: .eip1559(maxFeePerGas: 30_000_000_000 + UInt128(index), maxPriorityFeePerGas: 1_500_000_000)))
            transactions.append(Transaction(chainID: chainID, nonce: UInt64(index), gasLimit: 90_000, to: to, value: UInt128(index), data: Array(data.prefix(36)),
                                            fee: .legacy(gasPrice: index == 0 ? 0 : 20_000_000_000)))
        }
        let signed = try transactions.map { try $0.signed(with: key) }
        let input = try JSONSerialization.data(withJSONObject: signed.map { ["raw": Hex.encode($0.raw), "key": Hex.encode(key.bytes)] })
        let output = try Python.run(script: Self.script, input: input)
        let results = try #require(try JSONSerialization.jsonObject(with: output) as? [[String: Any]])
        #expect(results.count == signed.count)
        for (transaction, result) in zip(signed, results) {
            #expect(result["sender"] as? String == key.address.checksummed)
            #expect(result["resigned"] as? String == Hex.encode(transaction.raw), "\(transaction.transaction.fee)")
            let fields = try #require(result["fields"] as? [String: Any])
            #expect((fields["nonce"] as? NSNumber)?.uint64Value == transaction.transaction.nonce)
            #expect((fields["chainId"] as? NSNumber)?.uint64Value == transaction.transaction.chainID)
            #expect(fields["data"] as? String == Hex.encode(transaction.transaction.data))
        }
    }
}
