import FoundationEssentials

/// An http:// or https:// endpoint URL taken apart: where to connect and what to send.
struct HTTPEndpoint: Equatable {
    let secure: Bool
    /// The host name or address, without the brackets of an IPv6 literal.
    let host: String
    let port: UInt16
    /// Path and query, at least "/".
    let target: String
    /// "Basic …" when the URL carries user:password@ (as some node providers issue them).
    let authorization: String?

    /// `defaultPort` when the URL names none; else the scheme's (80, 443).
    init(_ url: String, defaultPort: UInt16? = nil) throws(TransportFailure) {
        guard let separator = url.firstRange(of: "://") else { throw .unreachable("\(url) is not an http:// or https:// URL") }
        switch url[..<separator.lowerBound].lowercased() {
        case "http": secure = false
        case "https": secure = true
        default: throw .unreachable("only http:// and https:// endpoints are supported")
        }
        var rest = url[separator.upperBound...]
        if let fragment = rest.firstIndex(of: "#") { rest = rest[..<fragment] }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        let path = rest[authorityEnd...]
        target = path.isEmpty ? "/" : (path.hasPrefix("?") ? "/" + path : String(path))
        if let at = authority.lastIndex(of: "@") {
            let credentials = Self.percentDecoded(authority[..<at])
            authorization = "Basic " + Data(credentials.utf8).base64EncodedString()
            authority = authority[authority.index(after: at)...]
        } else {
            authorization = nil
        }
        let portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .unreachable("\(url): unclosed [ in the host") }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            guard after.isEmpty || after.hasPrefix(":") else { throw .unreachable("\(url): unexpected text after the IPv6 address") }
            portText = after.isEmpty ? nil : after.dropFirst()
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            portText = authority[authority.index(after: colon)...]
        } else {
            host = String(authority)
            portText = nil
        }
        guard !host.isEmpty else { throw .unreachable("\(url) names no host") }
        if let portText {
            guard let number = UInt16(portText), number > 0 else { throw .unreachable("\(url): the port is not a number from 1 to 65535") }
            port = number
        } else {
            port = defaultPort ?? (secure ? 443 : 80)
        }
    }

    /// The Host header: the port only when it is not the scheme's own.
    var hostHeader: String { port == (secure ? 443 : 80) ? bracketedHost : authority }

    /// host:port, as CONNECT names it.
    var authority: String { "\(bracketedHost):\(port)" }

    private var bracketedHost: String { host.contains(":") ? "[\(host)]" : host }

    private static func percentDecoded(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var index = text.utf8.startIndex
        let utf8 = text.utf8
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%"), let high = utf8.index(index, offsetBy: 1, limitedBy: utf8.endIndex), high != utf8.endIndex,
               let low = utf8.index(high, offsetBy: 1, limitedBy: utf8.endIndex), low != utf8.endIndex,
               let value = UInt8(String(decoding: [utf8[high], utf8[low]], as: UTF8.self), radix: 16) {
                bytes.append(value)
                index = utf8.index(after: low)
            } else {
                bytes.append(byte)
                index = utf8.index(after: index)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
