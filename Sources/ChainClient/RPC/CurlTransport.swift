import CCurl
import Dispatch

/// JSON-RPC over HTTP or HTTPS with libcurl: one easy handle per endpoint, so the connection and the
/// TLS session are kept between calls; peer and host verified against the system CA store (or
/// `[chain] ca_file`), TLS 1.2 or later; no redirects; connect and total timeouts that bound name
/// resolution too (libcurl's threaded resolver); the response head and body capped while they arrive;
/// `[chain] proxy`, or libcurl's own reading of http_proxy / https_proxy / all_proxy / no_proxy.
///
/// Calls to one endpoint are serialised on its own queue (a libcurl handle is used by one thread at a
/// time), so a blocking transfer never occupies a Swift concurrency thread.
final class CurlTransport: JSONRPCTransport, @unchecked Sendable {
    let url: String
    private let limits: TransportLimits
    private let queue: DispatchQueue
    private let handle: UnsafeMutableRawPointer?
    private let headers: UnsafeMutablePointer<curl_slist>?
    private let errorText: UnsafeMutablePointer<CChar>
    private let sink: ResponseSink
    /// A problem with an option that must hold (the CA file, the protocols): every call reports it.
    private var setupFailure: ChainClientError?

    /// Responses whose head is larger are refused: no JSON-RPC node sends more than a few hundred bytes of it.
    static let maximumHeadBytes = 64 << 10

    private static let globalInit: Void = { _ = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    init(url: String, limits: TransportLimits = TransportLimits()) {
        _ = Self.globalInit
        self.url = url
        self.limits = limits
        queue = DispatchQueue(label: "meterd.rpc.\(url)")
        errorText = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorText.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        sink = ResponseSink(bodyLimit: limits.maximumResponseBytes, headLimit: Self.maximumHeadBytes)
        var list = curl_slist_append(nil, "Content-Type: application/json")
        list = curl_slist_append(list, "Accept: application/json")
        // No "Expect: 100-continue" for larger bodies: it costs a round trip, or a second with nodes that ignore it.
        list = curl_slist_append(list, "Expect:")
        headers = list
        handle = curl_easy_init()
        if handle == nil {
            setupFailure = .unreachable("libcurl could not create a handle (out of memory)")
        } else {
            configure()
        }
    }

    deinit {
        if let handle { curl_easy_cleanup(handle) }
        curl_slist_free_all(headers)
        errorText.deallocate()
    }

    func post(_ body: [UInt8]) async -> Result<[UInt8], ChainClientError> {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: self.perform(body)) }
        }
    }

    /// The options every request shares, set once so the handle keeps its connection and TLS session.
    private func configure() {
        guard let handle else { return }
        func require(_ code: CURLcode, _ what: String) {
            guard code != CURLE_OK, setupFailure == nil else { return }
            setupFailure = .badSetting("\(what): \(String(cString: curl_easy_strerror(code)))")
        }
        require(url.withCString { meterd_curl_set_pointer(handle, CURLOPT_URL, $0) }, "the URL \(url)")
        require("http,https".withCString { meterd_curl_set_pointer(handle, CURLOPT_PROTOCOLS_STR, $0) }, "the protocols")
        require(meterd_curl_set_long(handle, CURLOPT_SSL_VERIFYPEER, 1), "certificate verification")
        require(meterd_curl_set_long(handle, CURLOPT_SSL_VERIFYHOST, 2), "host name verification")
        require(meterd_curl_set_long(handle, CURLOPT_SSLVERSION, Int(CURL_SSLVERSION_TLSv1_2)), "TLS 1.2 or later")
        if let caFile = limits.caFile {
            require(caFile.withCString { meterd_curl_set_pointer(handle, CURLOPT_CAINFO, $0) }, "[chain] ca_file \(caFile)")
        }
        if let proxy = limits.proxy {
            require(proxy.withCString { meterd_curl_set_pointer(handle, CURLOPT_PROXY, $0) }, "[chain] proxy")
        }
        _ = meterd_curl_set_long(handle, CURLOPT_NOSIGNAL, 1)
        // A resolver thread still blocked when the connect timeout passes is left behind, not waited for:
        // without this libcurl joins it, and a hanging resolver holds the call far past its timeout.
        _ = meterd_curl_set_long(handle, CURLOPT_QUICK_EXIT, 1)
        _ = meterd_curl_set_long(handle, CURLOPT_FOLLOWLOCATION, 0)
        _ = meterd_curl_set_long(handle, CURLOPT_TCP_KEEPALIVE, 1)
        _ = meterd_curl_set_long(handle, CURLOPT_POST, 1)
        _ = meterd_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(limits.connectTimeout * 1000))
        _ = meterd_curl_set_long(handle, CURLOPT_TIMEOUT_MS, Int(limits.requestTimeout * 1000))
        _ = meterd_curl_set_off_t(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(limits.maximumResponseBytes))
        _ = meterd_curl_set_pointer(handle, CURLOPT_HTTPHEADER, headers)
        _ = meterd_curl_set_pointer(handle, CURLOPT_ERRORBUFFER, errorText)
        let context = Unmanaged.passUnretained(sink).toOpaque()
        _ = meterd_curl_set_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            Unmanaged<ResponseSink>.fromOpaque(context!).takeUnretainedValue().body(data, size * count)
        }
        _ = meterd_curl_set_pointer(handle, CURLOPT_WRITEDATA, context)
        _ = meterd_curl_set_callback(handle, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            Unmanaged<ResponseSink>.fromOpaque(context!).takeUnretainedValue().head(size * count)
        }
        _ = meterd_curl_set_pointer(handle, CURLOPT_HEADERDATA, context)
    }

    private func perform(_ body: [UInt8]) -> Result<[UInt8], ChainClientError> {
        guard let handle else { return .failure(setupFailure!) }
        if let setupFailure { return .failure(setupFailure) }
        sink.reset()
        errorText[0] = 0
        let code = body.withUnsafeBytes { bytes in
            _ = meterd_curl_set_long(handle, CURLOPT_POSTFIELDSIZE, bytes.count)
            _ = meterd_curl_set_pointer(handle, CURLOPT_POSTFIELDS, bytes.baseAddress)
            return curl_easy_perform(handle)
        }
        _ = meterd_curl_set_pointer(handle, CURLOPT_POSTFIELDS, nil)
        var status = 0
        var connectStatus = 0
        _ = meterd_curl_get_long(handle, CURLINFO_RESPONSE_CODE, &status)
        _ = meterd_curl_get_long(handle, CURLINFO_HTTP_CONNECTCODE, &connectStatus)
        let outcome = CurlOutcome(code: code, message: String(cString: errorText), status: status, proxyStatus: connectStatus,
                                  bodyOverflowed: sink.bodyOverflowed, headOverflowed: sink.headOverflowed)
        return outcome.result(limits: limits).map { sink.bytes }
    }
}

/// What one transfer received, filled by libcurl's callbacks on the endpoint's queue.
private final class ResponseSink {
    private(set) var bytes: [UInt8] = []
    private var headBytes = 0
    private(set) var bodyOverflowed = false
    private(set) var headOverflowed = false
    private let bodyLimit: Int
    private let headLimit: Int

    init(bodyLimit: Int, headLimit: Int) {
        self.bodyLimit = bodyLimit
        self.headLimit = headLimit
    }

    func reset() {
        bytes.removeAll(keepingCapacity: false)
        headBytes = 0
        bodyOverflowed = false
        headOverflowed = false
    }

    /// Returning less than `count` makes libcurl abort the transfer.
    func body(_ data: UnsafeMutablePointer<CChar>?, _ count: Int) -> Int {
        guard bytes.count + count <= bodyLimit else { bodyOverflowed = true; return 0 }
        if let data { bytes.append(contentsOf: UnsafeRawBufferPointer(start: data, count: count)) }
        return count
    }

    func head(_ count: Int) -> Int {
        headBytes += count
        guard headBytes <= headLimit else { headOverflowed = true; return 0 }
        return count
    }
}
