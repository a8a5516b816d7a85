import COpenSSL

/// The TLS settings of one endpoint: TLS 1.2 or later, the peer's certificate verified against the
/// system's CA store or the configured CA file.
final class TLSContext: @unchecked Sendable {
    let context: OpaquePointer

    init(caFile: String?) throws(TransportFailure) {
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw .unreachable("TLS: \(Self.lastError())") }
        self.context = context
        meterd_ssl_ctx_set_min_tls12(context)
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        if let caFile {
            guard SSL_CTX_load_verify_locations(context, caFile, nil) == 1 else {
                throw .unreachable("TLS: cannot load the CA file \(caFile) ([chain] ca_file): \(Self.lastError())")
            }
        } else {
            guard SSL_CTX_set_default_verify_paths(context) == 1 else { throw .unreachable("TLS: no system CA store: \(Self.lastError())") }
        }
    }

    deinit { SSL_CTX_free(context) }

    /// OpenSSL's words for the last failure on this thread (and its queue emptied).
    static func lastError() -> String {
        let code = ERR_get_error()
        ERR_clear_error()
        guard code != 0 else { return "unknown error" }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
