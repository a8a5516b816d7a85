import Foundation
import Testing
@testable import ChainClient

@Suite struct KeystoreV3Tests {
    // The two test vectors published with the Web3 Secret Storage Definition (password "testpassword").
    static let pbkdf2 = """
    {"crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"6087dab2f9fdbbfaddc31a909735c1e6"},"ciphertext":"5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46","kdf":"pbkdf2","kdfparams":{"c":262144,"dklen":32,"prf":"hmac-sha256","salt":"ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd"},"mac":"517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2"},"id":"3198bc9c-6672-5ab3-d995-4942343ae5b6","version":3}
    """
    static let scrypt = """
    {"crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"83dbcc02d8ccb40e466191a123791e0e"},"ciphertext":"d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c","kdf":"scrypt","kdfparams":{"dklen":32,"n":262144,"r":1,"p":8,"salt":"ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19"},"mac":"2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097"},"id":"3198bc9c-6672-5ab3-d995-4942343ae5b6","version":3}
    """
    static let secret = "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d"
    static let password = Array("testpassword".utf8)

    @Test(arguments: [pbkdf2, scrypt])
    func publishedVectorsDecrypt(_ json: String) throws {
        let key = try KeystoreV3(json: Data(json.utf8)).decrypt(password: Self.password)
        #expect(Hex.encode(key.bytes, prefix: false) == Self.secret)
    }

    @Test func aStatedAddressMustMatchTheKey() throws {
        let right = Self.pbkdf2.replacingOccurrences(of: "\"version\":3", with: "\"address\":\"008aeeda4d805471df9b2a5b0f38a0c3bcba786b\",\"version\":3")
        #expect(try KeystoreV3(json: Data(right.utf8)).decrypt(password: Self.password).address.checksummed == "0x008AeEda4D805471dF9b2A5B0f38A0C3bCBA786b")
        let wrong = Self.pbkdf2.replacingOccurrences(of: "\"version\":3", with: "\"address\":\"1111111111111111111111111111111111111111\",\"version\":3")
        #expect(throws: ChainClientError.keystoreAddressMismatch(stated: "1111111111111111111111111111111111111111", actual: "0x008AeEda4D805471dF9b2A5B0f38A0C3bCBA786b")) {
            try KeystoreV3(json: Data(wrong.utf8)).decrypt(password: Self.password)
        }
    }

    @Test func wrongPasswordIsRefusedByTheMAC() throws {
        let keystore = try KeystoreV3(json: Data(Self.pbkdf2.utf8))
        #expect(throws: ChainClientError.wrongPassword) { try keystore.decrypt(password: Array("testpassworD".utf8)) }
    }

    @Test func hostileScryptCostIsRefusedBeforeAnyWork() throws {
        let hostile = Self.scrypt.replacingOccurrences(of: "\"n\":262144,\"r\":1,\"p\":8", with: "\"n\":1048576,\"r\":8,\"p\":1")
        #expect(throws: ChainClientError.scryptTooExpensive(n: 1_048_576, r: 8, p: 1, bytes: 1 << 30)) {
            try KeystoreV3(json: Data(hostile.utf8))
        }
        let overflowing = Self.scrypt.replacingOccurrences(of: "\"n\":262144,\"r\":1,\"p\":8", with: "\"n\":4611686018427387904,\"r\":4611686018427387904,\"p\":8")
        #expect { try KeystoreV3(json: Data(overflowing.utf8)) } throws: { isChainClientError($0, .keystore) }
        let description = ChainClientError.scryptTooExpensive(n: 1_048_576, r: 8, p: 1, bytes: 1 << 30).description
        #expect(description.contains("1024 MiB") && description.contains("256 MiB"))
    }

    @Test func malformedKeystoresAreRefusedWithTheirReason() {
        #expect(throws: ChainClientError.keystoreVersion(1)) { try KeystoreV3(json: Data(#"{"version":1}"#.utf8)) }
        #expect { try KeystoreV3(json: Data("nope".utf8)) } throws: { isChainClientError($0, .keystore) }
        let cbc = Self.pbkdf2.replacingOccurrences(of: "aes-128-ctr", with: "aes-128-cbc")
        #expect(throws: ChainClientError.keystoreUnsupported("cipher aes-128-cbc (only aes-128-ctr)")) { try KeystoreV3(json: Data(cbc.utf8)) }
        let shortIV = Self.pbkdf2.replacingOccurrences(of: "6087dab2f9fdbbfaddc31a909735c1e6", with: "6087")
        #expect(throws: ChainClientError.keystoreField("cipherparams.iv must be 16 bytes, not 2")) { try KeystoreV3(json: Data(shortIV.utf8)) }
        let manyRounds = Self.pbkdf2.replacingOccurrences(of: "\"c\":262144", with: "\"c\":100000000")
        #expect(throws: ChainClientError.pbkdf2TooExpensive(100_000_000)) { try KeystoreV3(json: Data(manyRounds.utf8)) }
    }

    @Test func aesCTRMatchesNISTSP80038AVector() throws {
        // NIST SP 800-38A F.5.1 CTR-AES128.Encrypt, first block.
        let key = try Hex.decode("2b7e151628aed2a6abf7158809cf4f3c")
        let counter = try Hex.decode("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff")
        let plain = try Hex.decode("6bc1bee22e409f96e93d7e117393172a")
        #expect(Hex.encode(try LibCrypto.aes128CTR(key: key, iv: counter, plain), prefix: false) == "874d6191b620e3261bef6864990db6ce")
    }
}

@Suite struct ScryptTests {
    // RFC 7914 §12, third vector: through OpenSSL (r=8).
    @Test func rfc7914VectorThroughOpenSSL() throws {
        let key = try LibCrypto.scrypt(password: Array("password".utf8), salt: Array("NaCl".utf8), n: 1024, r: 8, p: 16, length: 64, maxMemory: 64 << 20)
        #expect(Hex.encode(key, prefix: false) == "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640")
    }

    // The same function through libsodium (r=1 forces the fallback): RFC 7914 §12's first vector has N=16, r=1.
    @Test func rfc7914VectorThroughLibsodium() throws {
        let key = try LibCrypto.scrypt(password: [], salt: [], n: 16, r: 1, p: 1, length: 64, maxMemory: 1 << 20)
        #expect(Hex.encode(key, prefix: false) == "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906")
    }
}
