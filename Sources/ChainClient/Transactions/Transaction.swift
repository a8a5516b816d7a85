/// How a transaction pays for gas.
public enum TransactionFee: Sendable, Hashable, Codable, CustomStringConvertible {
    /// EIP-155 legacy transaction: one price per gas (Besu networks without London, gas price 0).
    case legacy(gasPrice: UInt128)
    /// EIP-1559 (type 2): the most paid per gas in total, and the part of it that goes to the producer.
    case eip1559(maxFeePerGas: UInt128, maxPriorityFeePerGas: UInt128)

    /// The most the transaction can pay per unit of gas.
    var ceilingPerGas: UInt128 {
        switch self {
        case .legacy(let price): return price
        case .eip1559(let maxFee, _): return maxFee
        }
    }

    public var description: String {
        switch self {
        case .legacy(let price): return "gas price \(price) wei"
        case .eip1559(let maxFee, let tip): return "max fee \(maxFee) wei, tip \(tip) wei"
        }
    }
}

/// The fields of a transaction to a contract, before signing.
public struct Transaction: Sendable, Hashable, Codable {
    var chainID: UInt64
    var nonce: UInt64
    var gasLimit: UInt64
    var to: Address
    public var value: UInt128
    var data: [UInt8]
    var fee: TransactionFee

    public init(chainID: UInt64, nonce: UInt64, gasLimit: UInt64, to: Address, value: UInt128 = 0, data: [UInt8], fee: TransactionFee) {
        self.chainID = chainID
        self.nonce = nonce
        self.gasLimit = gasLimit
        self.to = to
        self.value = value
        self.data = data
        self.fee = fee
    }

    /// The bytes whose keccak-256 is signed: EIP-155's nine-field list, or 0x02 ‖ the EIP-1559 list.
    var signingPayload: [UInt8] {
        switch fee {
        case .legacy:
            return RLPItem.list(commonLegacyFields + [.uint(chainID), .bytes([]), .bytes([])]).encoded
        case .eip1559:
            return [0x02] + RLPItem.list(eip1559Fields).encoded
        }
    }

    var signingHash: [UInt8] { Keccak256.hash(signingPayload) }

    public func signed(with key: PrivateKey) throws -> SignedTransaction {
        let signature = try key.sign(digest: signingHash)
        let r = RLPItem.bytes(Array(signature.r.drop { $0 == 0 }))
        let s = RLPItem.bytes(Array(signature.s.drop { $0 == 0 }))
        let raw: [UInt8]
        switch fee {
        case .legacy:
            let v = chainID * 2 + 35 + UInt64(signature.recoveryID)
            raw = RLPItem.list(commonLegacyFields + [.uint(v), r, s]).encoded
        case .eip1559:
            raw = [0x02] + RLPItem.list(eip1559Fields + [.uint(signature.recoveryID), r, s]).encoded
        }
        return SignedTransaction(transaction: self, raw: raw, sender: key.address)
    }

    private var commonLegacyFields: [RLPItem] {
        [.uint(nonce), .uint(fee.ceilingPerGas), .uint(gasLimit), .bytes(to.bytes), .uint(value), .bytes(data)]
    }

    private var eip1559Fields: [RLPItem] {
        guard case .eip1559(let maxFee, let tip) = fee else { return [] }
        return [.uint(chainID), .uint(nonce), .uint(tip), .uint(maxFee), .uint(gasLimit), .bytes(to.bytes), .uint(value),
                .bytes(data), .list([])]
    }
}

/// A signed transaction: what eth_sendRawTransaction takes, and its hash.
public struct SignedTransaction: Sendable, Hashable, Codable {
    let transaction: Transaction
    public let raw: [UInt8]
    let sender: Address

    var hash: [UInt8] { Keccak256.hash(raw) }
    var hashHex: String { Hex.encode(hash) }
}
