/// Keccak-256 as Ethereum uses it: the original Keccak submission's padding (0x01 … 0x80), not the
/// NIST SHA3-256 padding (0x06 … 0x80). Rate 136 bytes, capacity 512 bits, 24 rounds of Keccak-f[1600].
///
/// Streaming: `update` as often as needed, then `finalize` once. `Keccak256.hash` is the one-shot form.
public struct Keccak256: Sendable {
    public static let digestSize = 32
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
        for byte in bytes {
            buffer.append(byte)
            if buffer.count == Self.rate {
                absorbBuffer()
            }
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
            let word = state[lane]
            for shift in stride(from: 0, to: 64, by: 8) {
                digest.append(UInt8(truncatingIfNeeded: word >> UInt64(shift)))
            }
        }
        return digest
    }

    private mutating func absorbBuffer() {
        buffer.withUnsafeBufferPointer { block in
            for lane in 0..<(Self.rate / 8) {
                var word: UInt64 = 0
                for byte in 0..<8 {
                    word |= UInt64(block[lane * 8 + byte]) << UInt64(8 * byte)
                }
                state[lane] ^= word
            }
        }
        buffer.removeAll(keepingCapacity: true)
        state.withUnsafeMutableBufferPointer { KeccakF1600.permute($0) }
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
    /// Rotation offsets and the lane each lane moves to in the rho and pi steps, in pi's visiting order.
    static let rotations: [UInt64] = [1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14, 27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44]
    static let piLanes: [Int] = [10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4, 15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1]

    static func permute(_ a: UnsafeMutableBufferPointer<UInt64>) {
        var c = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        for round in 0..<24 {
            // theta
            c.0 = a[0] ^ a[5] ^ a[10] ^ a[15] ^ a[20]
            c.1 = a[1] ^ a[6] ^ a[11] ^ a[16] ^ a[21]
            c.2 = a[2] ^ a[7] ^ a[12] ^ a[17] ^ a[22]
            c.3 = a[3] ^ a[8] ^ a[13] ^ a[18] ^ a[23]
            c.4 = a[4] ^ a[9] ^ a[14] ^ a[19] ^ a[24]
            let d0 = c.4 ^ rotl(c.1, 1)
            let d1 = c.0 ^ rotl(c.2, 1)
            let d2 = c.1 ^ rotl(c.3, 1)
            let d3 = c.2 ^ rotl(c.4, 1)
            let d4 = c.3 ^ rotl(c.0, 1)
            for row in stride(from: 0, to: 25, by: 5) {
                a[row] ^= d0; a[row + 1] ^= d1; a[row + 2] ^= d2; a[row + 3] ^= d3; a[row + 4] ^= d4
            }
            // rho and pi
            var current = a[1]
            for step in 0..<24 {
                let lane = piLanes[step]
                let next = a[lane]
                a[lane] = rotl(current, rotations[step])
                current = next
            }
            // chi
            for row in stride(from: 0, to: 25, by: 5) {
                let b0 = a[row], b1 = a[row + 1], b2 = a[row + 2], b3 = a[row + 3], b4 = a[row + 4]
                a[row] = b0 ^ (~b1 & b2)
                a[row + 1] = b1 ^ (~b2 & b3)
                a[row + 2] = b2 ^ (~b3 & b4)
                a[row + 3] = b3 ^ (~b4 & b0)
                a[row + 4] = b4 ^ (~b0 & b1)
            }
            // iota
            a[0] ^= roundConstants[round]
        }
    }

    @inline(__always)
    static func rotl(_ value: UInt64, _ count: UInt64) -> UInt64 {
        (value << count) | (value >> (64 - count))
    }
}
