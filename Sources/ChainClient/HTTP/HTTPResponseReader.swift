/// Reads one HTTP/1.x response from a stream: the head (bounded), then a body framed by
/// Content-Length, chunked transfer coding, or the end of the connection, never more than `limit` bytes.
struct HTTPResponseReader {
    struct Response: Equatable {
        let status: Int
        let body: [UInt8]
        /// Whether the connection may carry the next request.
        let reusable: Bool
    }

    static let maximumHeadBytes = 64 << 10

    private let stream: ByteStream
    private let limit: Int
    private let deadline: ContinuousClock.Instant
    private var buffered: [UInt8] = []
    private var position = 0
    /// Whether any byte of the response arrived (a kept-alive connection that the node had
    /// already closed delivers none, and the request may be sent again on a new one).
    private(set) var receivedAnything = false

    init(stream: ByteStream, limit: Int, deadline: ContinuousClock.Instant) {
        self.stream = stream
        self.limit = limit
        self.deadline = deadline
    }

    mutating func read() throws(TransportFailure) -> Response {
        let head = try readFinalHead()
        guard (200..<300).contains(head.status) else {
            // The body of an error is not read; the connection is not used again.
            return Response(status: head.status, body: [], reusable: false)
        }
        let body: [UInt8]
        if head.chunked {
            body = try readChunkedBody()
        } else if let length = head.contentLength {
            guard length <= limit else { throw TransportFailure(kind: .responseTooLarge(limit: limit)) }
            body = try readExactly(length)
        } else {
            body = try readToEnd()
            return Response(status: head.status, body: body, reusable: false)
        }
        return Response(status: head.status, body: body, reusable: head.keepAlive)
    }

    /// A proxy's answer to CONNECT: its status. A 2xx answer has no body; the stream is the tunnel from then on.
    mutating func readTunnelAnswer() throws(TransportFailure) -> Int {
        let head = try readFinalHead()
        if (200..<300).contains(head.status) && position < buffered.count {
            throw .malformedHTTP("the proxy sent data after opening the tunnel")
        }
        return head.status
    }

    private struct Head {
        var status = 0
        var contentLength: Int?
        var chunked = false
        var keepAlive = true
    }

    /// The head after any informational (1xx) ones.
    private mutating func readFinalHead() throws(TransportFailure) -> Head {
        var head = try readHead()
        var informational = 0
        while (100..<200).contains(head.status) {
            informational += 1
            guard informational <= 8 else { throw .malformedHTTP("endless informational (1xx) responses") }
            head = try readHead()
        }
        return head
    }

    private mutating func readHead() throws(TransportFailure) -> Head {
        let statusLine = try readLine(budget: Self.maximumHeadBytes)
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), parts[1].count == 3, let status = Int(parts[1]) else {
            throw .malformedHTTP("status line \(Self.excerpt(statusLine))")
        }
        var head = Head(status: status, keepAlive: parts[0] != "HTTP/1.0")
        var used = statusLine.utf8.count
        while true {
            let line = try readLine(budget: Self.maximumHeadBytes - used)
            used += line.utf8.count + 2
            if line.isEmpty { return head }
            guard let colon = line.firstIndex(of: ":") else { throw .malformedHTTP("header line \(Self.excerpt(line))") }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmed()
            switch name {
            case "content-length":
                guard let length = Int(value), length >= 0, head.contentLength == nil || head.contentLength == length else {
                    throw .malformedHTTP("Content-Length \(Self.excerpt(value))")
                }
                head.contentLength = length
            case "transfer-encoding":
                head.chunked = value.lowercased().split(separator: ",").last?.trimmed() == "chunked"
                guard head.chunked else { throw .malformedHTTP("unsupported Transfer-Encoding \(Self.excerpt(value))") }
            case "connection":
                let options = value.lowercased().split(separator: ",").map { $0.trimmed() }
                if options.contains("close") { head.keepAlive = false }
                if options.contains("keep-alive") { head.keepAlive = true }
            default: break
            }
        }
    }

    private mutating func readChunkedBody() throws(TransportFailure) -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let sizeLine = try readLine(budget: 1024)
            let sizeText = sizeLine.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first?.trimmed() ?? ""
            guard !sizeText.isEmpty, sizeText.count <= 16, let size = Int(sizeText, radix: 16) else {
                throw .malformedHTTP("chunk size \(Self.excerpt(sizeLine))")
            }
            if size == 0 { break }
            guard size <= limit - body.count else { throw TransportFailure(kind: .responseTooLarge(limit: limit)) }
            body += try readExactly(size)
            guard try readLine(budget: 2).isEmpty else { throw .malformedHTTP("a chunk longer than its size") }
        }
        var trailerBytes = 0
        while true {
            let trailer = try readLine(budget: Self.maximumHeadBytes - trailerBytes)
            if trailer.isEmpty { return body }
            trailerBytes += trailer.utf8.count + 2
        }
    }

    private mutating func readToEnd() throws(TransportFailure) -> [UInt8] {
        var body = Array(buffered[position...])
        buffered = []
        position = 0
        while true {
            guard body.count <= limit else { throw TransportFailure(kind: .responseTooLarge(limit: limit)) }
            let more = try stream.receive(upTo: 64 << 10, before: deadline)
            if more.isEmpty { return body }
            body += more
        }
    }

    private mutating func readExactly(_ count: Int) throws(TransportFailure) -> [UInt8] {
        while buffered.count - position < count { try fill() }
        let bytes = Array(buffered[position..<position + count])
        position += count
        return bytes
    }

    /// One line without its CRLF (a bare LF is accepted too), at most `budget` bytes long.
    private mutating func readLine(budget: Int) throws(TransportFailure) -> String {
        var searched = 0  // bytes after `position` already known to hold no line end
        while true {
            if let newline = buffered[(position + searched)...].firstIndex(of: 0x0A) {
                var end = newline
                if end > position && buffered[end - 1] == 0x0D { end -= 1 }
                guard end - position <= budget else { throw .malformedHTTP("response head larger than \(Self.maximumHeadBytes / 1024) KiB") }
                let line = String(decoding: buffered[position..<end], as: UTF8.self)
                position = newline + 1
                return line
            }
            guard buffered.count - position <= budget else { throw .malformedHTTP("response head larger than \(Self.maximumHeadBytes / 1024) KiB") }
            searched = buffered.count - position
            try fill()
        }
    }

    private mutating func fill() throws(TransportFailure) {
        if position > 0 {
            buffered.removeFirst(position)
            position = 0
        }
        let more = try stream.receive(upTo: 64 << 10, before: deadline)
        guard !more.isEmpty else {
            throw receivedAnything ? .malformedHTTP("the node closed the connection in the middle of its answer")
                                   : .unreachable("the node closed the connection without answering")
        }
        receivedAnything = true
        buffered += more
    }

    private static func excerpt(_ text: some StringProtocol) -> String {
        let shown = text.prefix(60).map { $0.isASCII && !$0.isNewline ? String($0) : "?" }.joined()
        return "\"\(shown)\"" + (text.count > 60 ? "…" : "")
    }
}
