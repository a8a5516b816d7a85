/// How one HTTP exchange failed, in the terms RPCError reports.
struct TransportFailure: Error {
    let kind: RPCError.Kind

    static func unreachable(_ reason: String) -> TransportFailure { TransportFailure(kind: .unreachable(reason)) }
    static func malformedHTTP(_ reason: String) -> TransportFailure { TransportFailure(kind: .unreachable("malformed HTTP response: \(reason)")) }
}
