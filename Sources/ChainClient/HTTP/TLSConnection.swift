import COpenSSL
import Glibc

/// TLS over a TCP connection: SNI, the certificate checked for the host name (or IP address) of
/// the URL, every read and write bounded by the request's deadline.
final class TLSConnection: ByteStream {
    private let tcp: TCPConnection
    private let ssl: OpaquePointer

    init(over tcp: TCPConnection, host: String, context: TLSContext, before deadline: ContinuousClock.Instant) throws(TransportFailure) {
        guard let ssl = SSL_new(context.context) else { throw .unreachable("TLS: \(TLSContext.lastError())") }
        self.tcp = tcp
        self.ssl = ssl
        SSL_set_fd(ssl, tcp.descriptor)
        let isAddress = host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
        if isAddress {
            X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host)
        } else {
            meterd_ssl_set_server_name(ssl, host)
            SSL_set1_host(ssl, host)
        }
        _ = try retrying(before: deadline) { SSL_connect(ssl) }
    }

    deinit {
        SSL_free(ssl)
    }

    func send(_ bytes: [UInt8], before deadline: ContinuousClock.Instant) throws(TransportFailure) {
        let space = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
        defer { space.deallocate() }
        space.copyBytes(from: bytes)
        var offset = 0
        while offset < bytes.count {
            offset += try retrying(before: deadline) { SSL_write(ssl, space.baseAddress! + offset, Int32(bytes.count - offset)) }
        }
    }

    func receive(upTo count: Int, before deadline: ContinuousClock.Instant) throws(TransportFailure) -> [UInt8] {
        let space = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 1)
        defer { space.deallocate() }
        let read = try retrying(before: deadline, endOfStream: 0) { SSL_read(ssl, space.baseAddress, Int32(count)) }
        return Array(space[..<read])
    }

    /// Runs a TLS operation until it completes, waiting on the socket whenever OpenSSL asks to.
    private func retrying(before deadline: ContinuousClock.Instant, endOfStream: Int? = nil,
                          _ operation: () -> Int32) throws(TransportFailure) -> Int {
        while true {
            ERR_clear_error()
            let result = operation()
            if result > 0 { return Int(result) }
            let error = SSL_get_error(ssl, result)
            switch error {
            case SSL_ERROR_WANT_READ: try tcp.waitOrFail(for: Int16(POLLIN), before: deadline)
            case SSL_ERROR_WANT_WRITE: try tcp.waitOrFail(for: Int16(POLLOUT), before: deadline)
            case SSL_ERROR_ZERO_RETURN:
                if let endOfStream { return endOfStream }
                throw .unreachable("TLS: the node closed the connection")
            default:
                let verification = SSL_get_verify_result(ssl)
                if verification != X509_V_OK {
                    throw .unreachable("TLS: the node's certificate is not trusted: \(String(cString: X509_verify_cert_error_string(verification)))"
                                       + " (a private network's CA goes in [chain] ca_file)")
                }
                let detail = error == SSL_ERROR_SYSCALL && errno != 0 ? String(cString: strerror(errno)) : TLSContext.lastError()
                throw .unreachable("TLS: \(detail)")
            }
        }
    }
}
