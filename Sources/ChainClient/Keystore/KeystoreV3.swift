import FoundationEssentials

/// An Ethereum V3 keystore (Web3 Secret Storage): scrypt or PBKDF2-HMAC-SHA256, AES-128-CTR, keccak MAC.
///
/// A keystore may come from anywhere, so its cost parameters are bounded before any work is done:
/// scrypt may use at most `maxScryptMemory` (128·n·r·p bytes, 256 MiB by default: enough for geth's
/// standard n=2^18, r=8, p=1, and not enough to exhaust a Raspberry Pi), PBKDF2 at most 10 million rounds.
public struct KeystoreV3: Sendable {
    static let maxScryptMemory: UInt64 = 256 << 20
    static let maxPBKDF2Iterations: UInt64 = 10_000_000

    enum KDF: Equatable {
        case scrypt(n: UInt64, r: UInt64, p: UInt64, salt: [UInt8], length: Int)
        case pbkdf2(iterations: UInt64, salt: [UInt8], length: Int)
    }

    let kdf: KDF
    let iv: [UInt8]
    let ciphertext: [UInt8]
    let mac: [UInt8]
    public let address: String?

    public init(json: Data) throws {
        let root: JSONValue
        do { root = try JSONParser.parse(Array(json)) } catch { throw ChainClientError.keystoreNotJSON(error.description) }
        guard case .object = root else { throw ChainClientError.keystoreNotJSON("the top level is not an object") }
        guard let version = root["version"]?.integer else { throw ChainClientError.keystoreField("no version") }
        guard version == 3 else { throw ChainClientError.keystoreVersion(version) }
        guard let crypto = root["crypto"] ?? root["Crypto"], case .object = crypto else { throw ChainClientError.keystoreField("no crypto object") }
        guard crypto["cipher"]?.text?.lowercased() == "aes-128-ctr" else {
            throw ChainClientError.keystoreUnsupported("cipher \(crypto["cipher"].map { $0.text ?? "\($0)" } ?? "missing") (only aes-128-ctr)")
        }
        iv = try Self.hex(crypto["cipherparams"]?["iv"], "cipherparams.iv", count: 16)
        ciphertext = try Self.hex(crypto["ciphertext"], "ciphertext", count: 32)
        mac = try Self.hex(crypto["mac"], "mac", count: 32)
        guard let params = crypto["kdfparams"], case .object = params else { throw ChainClientError.keystoreField("no kdfparams") }
        let salt = try Self.hex(params["salt"], "kdfparams.salt", count: nil)
        guard let length = params["dklen"]?.integer, length >= 32, length <= 64 else { throw ChainClientError.keystoreField("kdfparams.dklen must be 32..64") }
        switch crypto["kdf"]?.text {
        case "scrypt":
            let n = try Self.positive(params["n"], "n"), r = try Self.positive(params["r"], "r"), p = try Self.positive(params["p"], "p")
            guard n > 1, n & (n - 1) == 0 else { throw ChainClientError.keystoreField("scrypt n must be a power of two above 1") }
            let (rn, overflow1) = r.multipliedReportingOverflow(by: n)
            let (rnp, overflow2) = rn.multipliedReportingOverflow(by: p)
            let (bytes, overflow3) = rnp.multipliedReportingOverflow(by: 128)
            guard !overflow1, !overflow2, !overflow3, bytes <= Self.maxScryptMemory else {
                throw ChainClientError.scryptTooExpensive(n: n, r: r, p: p, bytes: overflow1 || overflow2 || overflow3 ? .max : bytes)
            }
            kdf = .scrypt(n: n, r: r, p: p, salt: salt, length: length)
        case "pbkdf2":
            guard params["prf"]?.text == "hmac-sha256" else { throw ChainClientError.keystoreUnsupported("PBKDF2 PRF \(params["prf"].map { $0.text ?? "\($0)" } ?? "missing") (only hmac-sha256)") }
            let rounds = try Self.positive(params["c"], "c")
            guard rounds <= Self.maxPBKDF2Iterations else { throw ChainClientError.pbkdf2TooExpensive(rounds) }
            kdf = .pbkdf2(iterations: rounds, salt: salt, length: length)
        case let other:
            throw ChainClientError.keystoreUnsupported("kdf \(other ?? "missing") (only scrypt and pbkdf2)")
        }
        address = root["address"]?.text
    }

    /// Derives the key, checks the MAC (wrong password otherwise) and decrypts the private key.
    public func decrypt(password: [UInt8]) throws -> PrivateKey {
        let derived: [UInt8]
        switch kdf {
        case .scrypt(let n, let r, let p, let salt, let length):
            // OpenSSL's own accounting adds a little to 128·n·r·p; the cap above is the policy.
            let memory = 128 * r * (n + p + 2) + (1 << 20)
            derived = try LibCrypto.scrypt(password: password, salt: salt, n: n, r: r, p: p, length: length, maxMemory: memory)
        case .pbkdf2(let iterations, let salt, let length):
            derived = try LibCrypto.pbkdf2SHA256(password: password, salt: salt, iterations: Int32(iterations), length: length)
        }
        let expected = Keccak256.hash(derived[16..<32] + ciphertext)
        guard Self.constantTimeEqual(expected, mac) else { throw ChainClientError.wrongPassword }
        let plain: [UInt8]
        plain = try LibCrypto.aes128CTR(key: Array(derived[0..<16]), iv: iv, ciphertext)
        let key = try PrivateKey(bytes: plain)
        // The address field is optional and not covered by the MAC, but when present it must agree.
        if let stated = address, let bytes = try? Hex.decode(stated), bytes != key.address.bytes {
            throw ChainClientError.keystoreAddressMismatch(stated: stated, actual: key.address.checksummed)
        }
        return key
    }

    private static func hex(_ value: JSONValue?, _ name: String, count: Int?) throws -> [UInt8] {
        guard let text = value?.text, let bytes = try? Hex.decode(text), !bytes.isEmpty else { throw ChainClientError.keystoreField("\(name) is not hex") }
        if let count, bytes.count != count { throw ChainClientError.keystoreField("\(name) must be \(count) bytes, not \(bytes.count)") }
        return bytes
    }

    private static func positive(_ value: JSONValue?, _ name: String) throws -> UInt64 {
        guard let number = value?.integer, number > 0 else { throw ChainClientError.keystoreField("kdfparams.\(name) must be a positive integer") }
        return UInt64(number)
    }

    private static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
