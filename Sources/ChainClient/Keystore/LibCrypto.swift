import COpenSSL
import CSodium

/// The three primitives keystore import needs, from OpenSSL's libcrypto (never hand-rolled here).
enum LibCrypto {
    /// The failure of `operation`, with OpenSSL's reason from its error queue.
    static func failure(_ operation: String) -> ChainClientError {
        let code = ERR_get_error()
        var text = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &text, text.count)
        return .keystoreCrypto("OpenSSL \(operation) failed: \(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))")
    }

    /// scrypt (RFC 7914) from OpenSSL. `maxMemory` is passed to OpenSSL, which refuses parameters needing
    /// more. OpenSSL also enforces RFC 7914's N < 2^(16·r), which geth and the Web3 Secret Storage
    /// test vector (r=1, N=2^18) do not; those parameters go to libsodium's scrypt instead.
    static func scrypt(password: [UInt8], salt: [UInt8], n: UInt64, r: UInt64, p: UInt64, length: Int, maxMemory: UInt64) throws(ChainClientError) -> [UInt8] {
        var key = [UInt8](repeating: 0, count: length)
        if 16 * r <= 63 && n >= (UInt64(1) << (16 * r)) {
            guard r <= UInt64(UInt32.max), p <= UInt64(UInt32.max),
                  crypto_pwhash_scryptsalsa208sha256_ll(password, password.count, salt, salt.count, n, UInt32(r), UInt32(p), &key, length) == 0 else {
                throw failure("scrypt (libsodium)")
            }
            return key
        }
        guard EVP_PBE_scrypt(password.map { CChar(bitPattern: $0) }, password.count, salt, salt.count, n, r, p, maxMemory, &key, length) == 1 else {
            throw failure("scrypt")
        }
        return key
    }

    static func pbkdf2SHA256(password: [UInt8], salt: [UInt8], iterations: Int32, length: Int) throws(ChainClientError) -> [UInt8] {
        var key = [UInt8](repeating: 0, count: length)
        guard PKCS5_PBKDF2_HMAC(password.map { CChar(bitPattern: $0) }, Int32(password.count), salt, Int32(salt.count),
                                iterations, EVP_sha256(), Int32(length), &key) == 1 else {
            throw failure("PBKDF2-HMAC-SHA256")
        }
        return key
    }

    /// AES-128-CTR; encryption and decryption are the same operation.
    static func aes128CTR(key: [UInt8], iv: [UInt8], _ input: [UInt8]) throws(ChainClientError) -> [UInt8] {
        guard key.count == 16, iv.count == 16 else { throw failure("AES-128-CTR (key and IV must be 16 bytes)") }
        guard let context = EVP_CIPHER_CTX_new() else { throw failure("AES-128-CTR context") }
        defer { EVP_CIPHER_CTX_free(context) }
        var output = [UInt8](repeating: 0, count: input.count + 16)
        var written: Int32 = 0
        var final: Int32 = 0
        guard EVP_EncryptInit_ex(context, EVP_aes_128_ctr(), nil, key, iv) == 1,
              EVP_EncryptUpdate(context, &output, &written, input, Int32(input.count)) == 1 else {
            throw failure("AES-128-CTR")
        }
        let done = Int(written)
        let finished = output.withUnsafeMutableBufferPointer { buffer in
            EVP_EncryptFinal_ex(context, buffer.baseAddress! + done, &final)
        }
        guard finished == 1 else { throw failure("AES-128-CTR") }
        return Array(output.prefix(done + Int(final)))
    }
}
