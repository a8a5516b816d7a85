/// What can go wrong with key material or signatures handed to ChainClient.
public enum CryptoError: Error, Equatable, CustomStringConvertible {
    case invalidPrivateKey
    case invalidLength(what: String, expected: Int, actual: Int)
    case invalidSignature
    case recoveryFailed
    case invalidAddress(String)
    case badAddressChecksum(String)

    public var description: String {
        switch self {
        case .invalidPrivateKey:
            return "the private key is not a valid secp256k1 key (zero or not below the curve order)"
        case .invalidLength(let what, let expected, let actual):
            return "\(what) must be \(expected) bytes, got \(actual)"
        case .invalidSignature:
            return "the signature is not a valid recoverable secp256k1 signature (r, s out of range or v not 0/1/27/28)"
        case .recoveryFailed:
            return "no public key can be recovered from this signature and digest"
        case .invalidAddress(let text):
            return "'\(text)' is not an Ethereum address (0x followed by 40 hex digits)"
        case .badAddressChecksum(let text):
            return "'\(text)' has mixed case but its EIP-55 checksum is wrong: check for a typo"
        }
    }
}
