import COpenSSL
import Testing
@testable import ChainClient

@Suite struct Keccak256Tests {
    private func hex(_ text: String) -> String { Hex.encode(Keccak256.hash(Array(text.utf8)), prefix: false) }

    @Test func publishedVectors() {
        // Keccak team / Ethereum Yellow Paper values (keccak-256, not SHA3-256).
        #expect(hex("") == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
        #expect(hex("abc") == "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45")
        #expect(hex("The quick brown fox jumps over the lazy dog") == "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15")
        #expect(hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") == "45d3b367a6904e6e8d502ee04999a7c27647f91fa845d456525fd352ae3d7371")
        // Solidity function selectors are the first 4 bytes.
        #expect(hex("transfer(address,uint256)").hasPrefix("a9059cbb"))
    }

    @Test func multiBlockMillionA() {
        // 1,000,000 × 'a': 7,353 full 136-byte blocks and a partial one.
        #expect(Hex.encode(Keccak256.hash([UInt8](repeating: 0x61, count: 1_000_000)), prefix: false)
            == "fadae6b49f129bbb812be8407b7b2894f34aecf6dbd1f9b0f0c7e9853098fc96")
    }

    /// The permutation and the absorb loop, for every length across four block boundaries, against
    /// OpenSSL's SHA3-256 (same permutation, padding byte 0x06 instead of 0x01).
    @Test func permutationMatchesOpenSSLSHA3ForEveryLengthUpTo600() {
        for length in 0...600 {
            let message = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ length) }
            var ours = Keccak256(domainByte: 0x06)
            ours.update(message)
            #expect(ours.finalize() == openSSLSHA3(message), "length \(length)")
        }
    }

    @Test func streamingEqualsOneShotAtEverySplit() {
        let message = (0..<300).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let expected = Keccak256.hash(message)
        for split in 0...message.count {
            var hasher = Keccak256()
            hasher.update(message[..<split])
            hasher.update(message[split...])
            #expect(hasher.finalize() == expected, "split at \(split)")
        }
    }

    private func openSSLSHA3(_ message: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let ok = EVP_Digest(message, message.count, &digest, &length, EVP_sha3_256(), nil)
        #expect(ok == 1)
        return digest
    }
}
