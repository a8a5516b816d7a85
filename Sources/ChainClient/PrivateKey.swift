import CSecp256k1

/// A secp256k1 private key: 32 bytes, non-zero and below the curve order.
///
/// Printing it (or logging it, or a failed test's diff) shows only its address, never the key.
public struct PrivateKey: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) throws {
        guard bytes.count == 32 else { throw ChainClientError.invalidLength(what: "a private key", expected: 32, actual: bytes.count) }
        guard secp256k1_ec_seckey_verify(Secp256k1Context.shared.pointer, bytes) == 1 else { throw ChainClientError.invalidPrivateKey }
        self.bytes = bytes
    }

    /// A fresh key from the operating system's CSPRNG (getrandom(2) on Linux).
    public static func generate() -> PrivateKey {
        var generator = SystemRandomNumberGenerator()
        while true {
            let candidate = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            // A random 32-byte string is out of range with probability ~2^-128; draw again then.
            if let key = try? PrivateKey(bytes: candidate) { return key }
        }
    }

    var publicKey: PublicKey {
        var pubkey = secp256k1_pubkey()
        // Cannot fail: the key was verified on construction.
        precondition(secp256k1_ec_pubkey_create(Secp256k1Context.shared.pointer, &pubkey, bytes) == 1)
        return PublicKey(parsed: pubkey)
    }

    public var address: Address { publicKey.address }

    public var description: String { "PrivateKey(address: \(address.checksummed))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["address": address.checksummed]) }

    /// Signs a 32-byte digest (the caller hashes: keccak-256 of a transaction, a record, a checkpoint).
    /// RFC 6979 deterministic nonce; the signature is always low-s, as Ethereum requires.
    public func sign(digest: [UInt8]) throws -> RecoverableSignature {
        guard digest.count == 32 else { throw ChainClientError.invalidLength(what: "a digest", expected: 32, actual: digest.count) }
        var signature = secp256k1_ecdsa_recoverable_signature()
        guard secp256k1_ecdsa_sign_recoverable(Secp256k1Context.shared.pointer, &signature, digest, bytes, nil, nil) == 1 else {
            throw ChainClientError.invalidPrivateKey
        }
        var compact = [UInt8](repeating: 0, count: 64)
        var recoveryID: Int32 = 0
        secp256k1_ecdsa_recoverable_signature_serialize_compact(Secp256k1Context.shared.pointer, &compact, &recoveryID, &signature)
        return RecoverableSignature(r: Array(compact[0..<32]), s: Array(compact[32..<64]), recoveryID: UInt8(recoveryID))
    }
}
