import CSecp256k1

/// An ECDSA secp256k1 signature with its recovery id: 65 bytes r ‖ s ‖ v, v being 0 or 1.
public struct RecoverableSignature: Sendable, Equatable {
    let r: [UInt8]
    let s: [UInt8]
    let recoveryID: UInt8

    init(r: [UInt8], s: [UInt8], recoveryID: UInt8) {
        self.r = r
        self.s = s
        self.recoveryID = recoveryID
    }

    /// Accepts v as 0/1 or as 27/28 (the form `eth_sign` and keystores show).
    public init(bytes: [UInt8]) throws {
        guard bytes.count == 65 else { throw ChainClientError.invalidLength(what: "a signature", expected: 65, actual: bytes.count) }
        let v = bytes[64] >= 27 ? bytes[64] &- 27 : bytes[64]
        guard v <= 1 else { throw ChainClientError.invalidSignature }
        self.init(r: Array(bytes[0..<32]), s: Array(bytes[32..<64]), recoveryID: v)
    }

    /// r ‖ s ‖ v with v = 0 or 1.
    public var bytes: [UInt8] { r + s + [recoveryID] }

    /// The public key that made this signature over `digest`.
    func recoverPublicKey(digest: [UInt8]) throws -> PublicKey {
        guard digest.count == 32 else { throw ChainClientError.invalidLength(what: "a digest", expected: 32, actual: digest.count) }
        let context = Secp256k1Context.shared.pointer
        var signature = secp256k1_ecdsa_recoverable_signature()
        guard secp256k1_ecdsa_recoverable_signature_parse_compact(context, &signature, r + s, Int32(recoveryID)) == 1 else {
            throw ChainClientError.invalidSignature
        }
        // libsecp256k1 recovers high-s signatures too; Ethereum (EIP-2) rejects them, and so do we.
        var plain = secp256k1_ecdsa_signature()
        secp256k1_ecdsa_recoverable_signature_convert(context, &plain, &signature)
        var normalized = secp256k1_ecdsa_signature()
        if secp256k1_ecdsa_signature_normalize(context, &normalized, &plain) == 1 { throw ChainClientError.invalidSignature }
        var key = secp256k1_pubkey()
        guard secp256k1_ecdsa_recover(context, &key, &signature, digest) == 1 else { throw ChainClientError.recoveryFailed }
        return PublicKey(parsed: key)
    }

    public func recoverAddress(digest: [UInt8]) throws -> Address {
        try recoverPublicKey(digest: digest).address
    }
}
