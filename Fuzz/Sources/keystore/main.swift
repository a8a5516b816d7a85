// The keystore V3 file the device key is read from. Properties: malformed files are refused with an
// error; when the key derivation is cheap enough to try per input, decrypting with a wrong password
// is refused too (the MAC check), never a trap.
import FoundationEssentials
@testable import ChainClient
import FuzzSupport

fuzz { bytes in
    guard let keystore = try? KeystoreV3(json: Data(bytes)) else { return }
    let cheap: Bool
    switch keystore.kdf {
    case .scrypt(let n, let r, let p, _, _): cheap = n * r * p <= 4096
    case .pbkdf2(let iterations, _, _): cheap = iterations <= 4096
    }
    guard cheap else { return }
    _ = try? keystore.decrypt(password: Array("not the password".utf8))
}
