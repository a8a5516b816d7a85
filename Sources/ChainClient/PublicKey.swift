import CSecp256k1

/// A secp256k1 public key, kept as the 64 bytes x ‖ y of its uncompressed form (without the 0x04 tag).
struct PublicKey: Sendable, Equatable {
    let uncompressed: [UInt8]

    init(parsed: secp256k1_pubkey) {
        var key = parsed
        var output = [UInt8](repeating: 0, count: 65)
        var length = 65
        secp256k1_ec_pubkey_serialize(Secp256k1Context.shared.pointer, &output, &length, &key, UInt32(SECP256K1_EC_UNCOMPRESSED))
        uncompressed = Array(output[1..<65])
    }

    /// Parses 64 bytes x ‖ y, 65 bytes 0x04 ‖ x ‖ y, or 33 compressed bytes.
    init(bytes: [UInt8]) throws {
        let input = bytes.count == 64 ? [0x04] + bytes : bytes
        var key = secp256k1_pubkey()
        guard secp256k1_ec_pubkey_parse(Secp256k1Context.shared.pointer, &key, input, input.count) == 1 else {
            throw ChainClientError.invalidLength(what: "a public key (a point on secp256k1)", expected: 64, actual: bytes.count)
        }
        self.init(parsed: key)
    }

    /// The Ethereum address: the last 20 bytes of keccak-256(x ‖ y).
    var address: Address {
        Address(unchecked: Array(Keccak256.hash(uncompressed).suffix(20)))
    }
}
