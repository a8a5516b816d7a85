import CCurl
import Dispatch

/// JSON-RPC over HTTP or HTTPS with libcurl: one easy handle per endpoint, so the connection is kept
/// alive between calls; TLS verified against the system CA store (or a configured CA file); connect and total timeouts; the
/// response body capped while it arrives.
///
/// Calls to one endpoint are serialised on its own queue (libcurl handles are not shared between
/// threads), so a blocking transfer never occupies a Swift concurrency thread.
public final class CurlTransport: JSONRPCTransport, @unchecked Sendable {
    public let url: String
    private let limits: TransportLimits
    private let queue: DispatchQueue
    private let handle: UnsafeMutableRawPointer?
    private let headers: UnsafeMutablePointer<curl_slist>?

    private static let globalInit: Void = { _ = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    public init(url: String, limits: TransportLimits = TransportLimits()) {
        _ = Self.globalInit
        self.url = url
        self.limits = limits
        queue = DispatchQueue(label: "meterd.rpc.\(url)")
        handle = curl_easy_init()
        var list: UnsafeMutablePointer<curl_slist>? = curl_slist_append(nil, "Content-Type: application/json")
        list = curl_slist_append(list, "Accept: application/json")
        headers = list
    }

    deinit {
        if let handle { curl_easy_cleanup(handle) }
        curl_slist_free_all(headers)
    }

    public func post(_ body: [UInt8]) async -> Result<[UInt8], RPCError.Kind> {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: self.perform(body)) }
        }
    }

    /// The receiving side of one transfer, handed to libcurl's write callback.
    private final class Sink {
        var bytes: [UInt8] = []
        let limit: Int
        var overflowed = false
        init(limit: Int) { self.limit = limit }
    }

    private func perform(_ body: [UInt8]) -> Result<[UInt8], RPCError.Kind> {
        guard let handle else { return .failure(.unreachable("libcurl could not create a handle (out of memory)")) }
        let sink = Sink(limit: limits.maximumResponseBytes)
        let unmanaged = Unmanaged.passRetained(sink)
        defer { unmanaged.release() }
        let code: CURLcode = url.withCString { urlPointer in
            body.withUnsafeBytes { bodyPointer in
                curl_easy_reset(handle)
                _ = meterd_curl_set_pointer(handle, CURLOPT_URL, UnsafeMutableRawPointer(mutating: urlPointer))
                _ = meterd_curl_set_long(handle, CURLOPT_NOSIGNAL, 1)
                _ = meterd_curl_set_long(handle, CURLOPT_POST, 1)
                _ = meterd_curl_set_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: bodyPointer.baseAddress ?? UnsafeRawPointer(urlPointer)))
                _ = meterd_curl_set_long(handle, CURLOPT_POSTFIELDSIZE, body.count)
                _ = meterd_curl_set_pointer(handle, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(headers))
                _ = meterd_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(limits.connectTimeout * 1000))
                _ = meterd_curl_set_long(handle, CURLOPT_TIMEOUT_MS, Int(limits.requestTimeout * 1000))
                _ = meterd_curl_set_long(handle, CURLOPT_TCP_KEEPALIVE, 1)
                _ = meterd_curl_set_long(handle, CURLOPT_FOLLOWLOCATION, 0)
                _ = meterd_curl_set_long(handle, CURLOPT_SSL_VERIFYPEER, 1)
                _ = meterd_curl_set_long(handle, CURLOPT_SSL_VERIFYHOST, 2)
                _ = meterd_curl_set_off_t(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(limits.maximumResponseBytes))
                _ = "http,https".withCString { meterd_curl_set_pointer(handle, CURLOPT_PROTOCOLS_STR, UnsafeMutableRawPointer(mutating: $0)) }
                if let caFile = limits.caFile {
                    _ = caFile.withCString { meterd_curl_set_pointer(handle, CURLOPT_CAINFO, UnsafeMutableRawPointer(mutating: $0)) }
                }
                _ = meterd_curl_set_write_callback(handle) { data, size, count, context in
                    let sink = Unmanaged<Sink>.fromOpaque(context!).takeUnretainedValue()
                    let total = size * count
                    guard sink.bytes.count + total <= sink.limit else { sink.overflowed = true; return 0 }
                    if let data { sink.bytes.append(contentsOf: UnsafeRawBufferPointer(start: data, count: total)) }
                    return total
                }
                _ = meterd_curl_set_pointer(handle, CURLOPT_WRITEDATA, unmanaged.toOpaque())
                return curl_easy_perform(handle)
            }
        }
        if sink.overflowed || code == CURLE_FILESIZE_EXCEEDED { return .failure(.responseTooLarge(limit: limits.maximumResponseBytes)) }
        switch code {
        case CURLE_OK: break
        case CURLE_OPERATION_TIMEDOUT: return .failure(.timedOut(seconds: limits.requestTimeout))
        default: return .failure(.unreachable(String(cString: curl_easy_strerror(code))))
        }
        var status = 0
        _ = meterd_curl_get_long(handle, CURLINFO_RESPONSE_CODE, &status)
        guard (200..<300).contains(status) else { return .failure(.httpStatus(status)) }
        return .success(sink.bytes)
    }
}
