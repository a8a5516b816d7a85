import CCurl

/// How one libcurl transfer ended, turned into the ChainClientError it reports: a pure value, so every branch is
/// tested without a network.
struct CurlOutcome {
    let code: CURLcode
    /// libcurl's error buffer: the detail (host and port, OpenSSL's verification reason, …).
    let message: String
    /// The HTTP status of the node's answer (0 when none arrived).
    let status: Int
    /// The status of a proxy's answer to CONNECT (0 when no tunnel was asked for).
    let proxyStatus: Int
    let bodyOverflowed: Bool
    let headOverflowed: Bool

    func result(limits: TransportLimits) -> Result<Void, ChainClientError> {
        if code == CURLE_OK {
            guard status == 200 else { return .failure(status == 407 ? .proxy(Self.proxyRefusal(status)) : .httpStatus(status)) }
            return .success(())
        }
        return .failure(error(limits: limits))
    }

    private var detail: String { message.isEmpty ? String(cString: curl_easy_strerror(code)) : message }

    private func error(limits: TransportLimits) -> ChainClientError {
        if bodyOverflowed || code == CURLE_FILESIZE_EXCEEDED { return .responseTooLarge(limit: limits.maximumResponseBytes) }
        if headOverflowed { return .brokenAnswer("its head is larger than \(CurlTransport.maximumHeadBytes / 1024) KiB") }
        if proxyStatus != 0 && !(200..<300).contains(proxyStatus) { return .proxy(Self.proxyRefusal(proxyStatus)) }
        switch code {
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return .badSetting(detail)
        case CURLE_COULDNT_RESOLVE_HOST:
            return .nameResolution(detail)
        case CURLE_COULDNT_RESOLVE_PROXY, CURLE_PROXY:
            return .proxy(detail)
        case CURLE_COULDNT_CONNECT:
            return .connection(detail)
        case CURLE_OPERATION_TIMEDOUT:
            // libcurl says which step ran out of time: a slow resolver or an unreachable address is not a slow node.
            if message.hasPrefix("Resolving timed out") { return .nameResolution(message) }
            if message.hasPrefix("Connection timed out") || message.hasPrefix("Failed to connect") { return .connection(message) }
            return .timedOut(seconds: limits.requestTimeout)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_CRL_BADFILE, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS,
             CURLE_SSL_ENGINE_INITFAILED:
            if message.contains("protocol version") { return .tls("the node offers no TLS 1.2 or later: \(message)") }
            return .tls(detail)
        case CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_WEIRD_SERVER_REPLY,
             CURLE_BAD_CONTENT_ENCODING, CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_HTTP3, CURLE_WRITE_ERROR:
            return .brokenAnswer(detail)
        default:
            return .unreachable(detail)
        }
    }

    private static func proxyRefusal(_ status: Int) -> String {
        status == 407
            ? "it answered HTTP 407: it wants credentials (http://user:password@host:port)"
            : "it refused the tunnel to the node: HTTP \(status)"
    }
}
