import Testing
@testable import ChainClient

@Suite struct SignatureTests {
    static let web3Key = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
    static let halfOrder = try! Hex.decode("7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0")

    @Test func addressesOfKnownKeys() throws {
        let one = try PrivateKey(bytes: [UInt8](repeating: 0, count: 31) + [1])
        #expect(one.address.checksummed == "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf")
        let web3 = try PrivateKey(bytes: Hex.decode(Self.web3Key))
        #expect(web3.address.checksummed == "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23")
    }

    @Test func printingAKeyShowsItsAddressNotTheKey() throws {
        let key = try PrivateKey(bytes: Hex.decode(Self.web3Key))
        for text in ["\(key)", String(reflecting: key), String(describing: [key])] {
            #expect(!text.lowercased().contains("4c0883a6") && !text.contains("76, 8, 131"), "\(text)")
            #expect(text.contains("0x2c7536E3605D9C16a7a3D7b1898e529396a65c23"))
        }
        var dumped = ""
        dump(key, to: &dumped)
        #expect(!dumped.contains("bytes") && dumped.contains("0x2c7536E3605D9C16a7a3D7b1898e529396a65c23"), "\(dumped)")
    }

    @Test func invalidPrivateKeysAreRefused() throws {
        #expect(throws: ChainClientError.invalidPrivateKey) { try PrivateKey(bytes: [UInt8](repeating: 0, count: 32)) }
        #expect(throws: ChainClientError.invalidPrivateKey) {
            try PrivateKey(bytes: Hex.decode("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"))
        }
        #expect(throws: ChainClientError.invalidLength(what: "a private key", expected: 32, actual: 31)) {
            try PrivateKey(bytes: [UInt8](repeating: 1, count: 31))
        }
    }

    /// web3.js `accounts.sign("Some data", key)`: EIP-191 prefixed message, RFC 6979 nonce.
    @Test func signatureMatchesPublishedWeb3Vector() throws {
        let key = try PrivateKey(bytes: Hex.decode(Self.web3Key))
        let message = Array("\u{19}Ethereum Signed Message:\n9Some data".utf8)
        let signature = try key.sign(digest: Keccak256.hash(message))
        #expect(Hex.encode(signature.r, prefix: false) == "b91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd")
        #expect(Hex.encode(signature.s, prefix: false) == "6007e74cd82e037b800186422fc2da167c747ef045e5d18a5f5d4300f8e1a029")
        #expect(signature.recoveryID == 1)
        #expect(try signature.recoverAddress(digest: Keccak256.hash(message)) == key.address)
    }

    @Test func signRecoverRoundTripIsLowS() throws {
        for round in 0..<50 {
            let key = PrivateKey.generate()
            let digest = Keccak256.hash([UInt8(round)])
            let signature = try key.sign(digest: digest)
            #expect(signature.bytes.count == 65)
            #expect(signature.s.lexicographicallyPrecedes(Self.halfOrder) || signature.s == Self.halfOrder)
            #expect(try RecoverableSignature(bytes: signature.bytes).recoverPublicKey(digest: digest) == key.publicKey)
            // A different digest recovers a different key, never the signer.
            let other = try signature.recoverAddress(digest: Keccak256.hash([UInt8(round), 1]))
            #expect(other != key.address)
        }
    }

    @Test func highSSignaturesAreRefused() throws {
        let key = try PrivateKey(bytes: Hex.decode(Self.web3Key))
        let digest = Keccak256.hash([1, 2, 3])
        let signature = try key.sign(digest: digest)
        // s' = n - s is the same signature in high-s form (and flips the recovery id).
        let order = try Hex.decode("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
        var highS = [UInt8](repeating: 0, count: 32)
        var borrow = 0
        for index in (0..<32).reversed() {
            let difference = Int(order[index]) - Int(signature.s[index]) - borrow
            highS[index] = UInt8((difference + 256) % 256)
            borrow = difference < 0 ? 1 : 0
        }
        let flipped = RecoverableSignature(r: signature.r, s: highS, recoveryID: signature.recoveryID ^ 1)
        #expect(throws: ChainClientError.invalidSignature) { try flipped.recoverPublicKey(digest: digest) }
    }

    @Test func vAcceptsBothConventions() throws {
        let bytes = [UInt8](repeating: 1, count: 64)
        #expect(try RecoverableSignature(bytes: bytes + [28]).recoveryID == 1)
        #expect(try RecoverableSignature(bytes: bytes + [0]).recoveryID == 0)
        #expect(throws: ChainClientError.invalidSignature) { try RecoverableSignature(bytes: bytes + [2]) }
    }

    @Test func eip55PublishedVectors() throws {
        for text in ["0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
                     "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb"] {
            #expect(try Address(text.lowercased()).checksummed == text)
            #expect(try Address(text).checksummed == text)
        }
        #expect(throws: ChainClientError.badAddressChecksum("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD")) {
            try Address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD")
        }
        #expect(throws: ChainClientError.invalidAddress("0x1234")) { try Address("0x1234") }
    }
}
