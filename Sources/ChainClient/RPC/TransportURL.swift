import CCurl

/// Checks of the URLs the transport is given, by libcurl's own URL parser, so the configuration is
/// refused for exactly what the transport would refuse later.
public enum TransportURL {
    /// Why `url` cannot be a JSON-RPC endpoint, or nil.
    public static func problemWithEndpoint(_ url: String) -> String? {
        problem(url, schemes: ["http", "https"], guessScheme: false, what: "an http:// or https:// URL")
    }

    /// Why `url` cannot be the proxy, or nil. Without a scheme libcurl takes http://, as it does for http_proxy.
    public static func problemWithProxy(_ url: String) -> String? {
        problem(url, schemes: ["http", "https", "socks4", "socks4a", "socks5", "socks5h"], guessScheme: true,
                what: "an http://, https://, socks4:// or socks5:// proxy URL")
    }

    private static func problem(_ url: String, schemes: Set<String>, guessScheme: Bool, what: String) -> String? {
        guard let handle = curl_url() else { return "libcurl could not parse it (out of memory)" }
        defer { curl_url_cleanup(handle) }
        let flags = UInt32(CURLU_NON_SUPPORT_SCHEME) | (guessScheme ? UInt32(CURLU_GUESS_SCHEME) : 0)
        let parsed = curl_url_set(handle, CURLUPART_URL, url, flags)
        guard parsed == CURLUE_OK else { return "\"\(url)\" is not \(what) (\(String(cString: curl_url_strerror(parsed))))" }
        var scheme: UnsafeMutablePointer<CChar>?
        guard curl_url_get(handle, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK, let scheme else { return "\"\(url)\" names no scheme" }
        defer { curl_free(scheme) }
        let name = String(cString: scheme).lowercased()
        guard schemes.contains(name) else { return "\"\(url)\" is not \(what) (scheme \(name))" }
        return nil
    }
}
