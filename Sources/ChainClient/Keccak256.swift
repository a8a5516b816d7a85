/// Keccak-256 as Ethereum uses it: the original Keccak submission's padding (0x01 … 0x80), not the
/// NIST SHA3-256 padding (0x06 … 0x80). Rate 136 bytes, capacity 512 bits, 24 rounds of Keccak-f[1600].
///
/// Streaming: `update` as often as needed, then `finalize` once. `Keccak256.hash` is the one-shot form.
public struct Keccak256: Sendable {
    static let digestSize = 32
    static let rate = 136

    private var state = [UInt64](repeating: 0, count: 25)
    private var buffer = [UInt8]()
    private let domainByte: UInt8

    public init() { self.init(domainByte: 0x01) }

    /// `domainByte` 0x06 gives SHA3-256 with the same permutation; tests use it to cross-check the
    /// permutation and the absorb loop against OpenSSL, which has SHA3-256 but no Keccak-256.
    init(domainByte: UInt8) {
        self.domainByte = domainByte
        buffer.reserveCapacity(Self.rate)
    }

    public static func hash<Bytes: Sequence>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        var hasher = Keccak256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { update(contiguous: $0) }
        if handled == nil {
            let copy = Array(bytes)
            copy.withUnsafeBufferPointer { update(contiguous: $0) }
        }
    }

    /// Fills the partial block, then absorbs whole blocks straight from the input.
    private mutating func update(contiguous input: UnsafeBufferPointer<UInt8>) {
        var index = 0
        if !buffer.isEmpty {
            let take = min(Self.rate - buffer.count, input.count)
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: input[0..<take]))
            index = take
            guard buffer.count == Self.rate else { return }
            buffer.withUnsafeBufferPointer { block in absorb(block) }
            buffer.removeAll(keepingCapacity: true)
        }
        while input.count - index >= Self.rate {
            absorb(UnsafeBufferPointer(rebasing: input[index..<(index + Self.rate)]))
            index += Self.rate
        }
        if index < input.count {
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: input[index...]))
        }
    }

    public mutating func finalize() -> [UInt8] {
        buffer.append(domainByte)
        while buffer.count < Self.rate { buffer.append(0) }
        buffer[Self.rate - 1] |= 0x80
        absorbBuffer()
        var digest = [UInt8]()
        digest.reserveCapacity(Self.digestSize)
        for lane in 0..<4 {
            withUnsafeBytes(of: state[lane].littleEndian) { digest.append(contentsOf: $0) }
        }
        return digest
    }

    private mutating func absorbBuffer() {
        buffer.withUnsafeBufferPointer { block in absorb(block) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// XORs one 136-byte block into the state (little-endian lanes) and permutes.
    private mutating func absorb(_ block: UnsafeBufferPointer<UInt8>) {
        state.withUnsafeMutableBufferPointer { lanes in
            let raw = UnsafeRawBufferPointer(block)
            for lane in 0..<(Self.rate / 8) {
                lanes[lane] ^= UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: lane * 8, as: UInt64.self))
            }
            KeccakF1600.permute(lanes)
        }
    }
}

/// The Keccak-f[1600] permutation over 25 little-endian 64-bit lanes.
enum KeccakF1600 {
    static let roundConstants: [UInt64] = [
        0x0000_0000_0000_0001, 0x0000_0000_0000_8082, 0x8000_0000_0000_808A, 0x8000_0000_8000_8000,
        0x0000_0000_0000_808B, 0x0000_0000_8000_0001, 0x8000_0000_8000_8081, 0x8000_0000_0000_8009,
        0x0000_0000_0000_008A, 0x0000_0000_0000_0088, 0x0000_0000_8000_8009, 0x0000_0000_8000_000A,
        0x0000_0000_8000_808B, 0x8000_0000_0000_008B, 0x8000_0000_0000_8089, 0x8000_0000_0000_8003,
        0x8000_0000_0000_8002, 0x8000_0000_0000_0080, 0x0000_0000_0000_800A, 0x8000_0000_8000_000A,
        0x8000_0000_8000_8081, 0x8000_0000_0000_8080, 0x0000_0000_8000_0001, 0x8000_0000_8000_8008,
    ]

    /// Written with plain loops and locals: this runs for every journal record, also in debug builds.
    static func permute(_ lanes: UnsafeMutableBufferPointer<UInt64>) {
        let a = lanes.baseAddress!
        let constants = roundConstants
        var round = 0
        while round < 24 {
            // theta
            let c0 = a[0] ^ a[5] ^ a[10] ^ a[15] ^ a[20]
            let c1 = a[1] ^ a[6] ^ a[11] ^ a[16] ^ a[21]
            let c2 = a[2] ^ a[7] ^ a[12] ^ a[17] ^ a[22]
            let c3 = a[3] ^ a[8] ^ a[13] ^ a[18] ^ a[23]
            let c4 = a[4] ^ a[9] ^ a[14] ^ a[19] ^ a[24]
            let d0 = c4 ^ (c1 << 1 | c1 >> 63)
            let d1 = c0 ^ (c2 << 1 | c2 >> 63)
            let d2 = c1 ^ (c3 << 1 | c3 >> 63)
            let d3 = c2 ^ (c4 << 1 | c4 >> 63)
            let d4 = c3 ^ (c0 << 1 | c0 >> 63)
            var row = 0
            while row < 25 {
                a[row] ^= d0; a[row + 1] ^= d1; a[row + 2] ^= d2; a[row + 3] ^= d3; a[row + 4] ^= d4
                row += 5
            }
            // rho and pi, unrolled
            var current = a[1]
            var next: UInt64
            next = a[10]; a[10] = (current << 1) | (current >> 63); current = next
            next = a[7]; a[7] = (current << 3) | (current >> 61); current = next
            next = a[11]; a[11] = (current << 6) | (current >> 58); current = next
            next = a[17]; a[17] = (current << 10) | (current >> 54); current = next
            next = a[18]; a[18] = (current << 15) | (current >> 49); current = next
            next = a[3]; a[3] = (current << 21) | (current >> 43); current = next
            next = a[5]; a[5] = (current << 28) | (current >> 36); current = next
            next = a[16]; a[16] = (current << 36) | (current >> 28); current = next
            next = a[8]; a[8] = (current << 45) | (current >> 19); current = next
            next = a[21]; a[21] = (current << 55) | (current >> 9); current = next
            next = a[24]; a[24] = (current << 2) | (current >> 62); current = next
            next = a[4]; a[4] = (current << 14) | (current >> 50); current = next
            next = a[15]; a[15] = (current << 27) | (current >> 37); current = next
            next = a[23]; a[23] = (current << 41) | (current >> 23); current = next
            next = a[19]; a[19] = (current << 56) | (current >> 8); current = next
            next = a[13]; a[13] = (current << 8) | (current >> 56); current = next
            next = a[12]; a[12] = (current << 25) | (current >> 39); current = next
            next = a[2]; a[2] = (current << 43) | (current >> 21); current = next
            next = a[20]; a[20] = (current << 62) | (current >> 2); current = next
            next = a[14]; a[14] = (current << 18) | (current >> 46); current = next
            next = a[22]; a[22] = (current << 39) | (current >> 25); current = next
            next = a[9]; a[9] = (current << 61) | (current >> 3); current = next
            next = a[6]; a[6] = (current << 20) | (current >> 44); current = next
            next = a[1]; a[1] = (current << 44) | (current >> 20); current = next
            // chi
            row = 0
            while row < 25 {
                let b0 = a[row], b1 = a[row + 1], b2 = a[row + 2], b3 = a[row + 3], b4 = a[row + 4]
                a[row] = b0 ^ (~b1 & b2)
                a[row + 1] = b1 ^ (~b2 & b3)
                a[row + 2] = b2 ^ (~b3 & b4)
                a[row + 3] = b3 ^ (~b4 & b0)
                a[row + 4] = b4 ^ (~b0 & b1)
                row += 5
            }
            // iota
            a[0] ^= constants[round]
            round += 1
        }
    }

}
