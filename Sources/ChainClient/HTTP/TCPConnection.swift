import Glibc

/// A non-blocking TCP connection whose every wait is bounded by a deadline (poll(2)).
final class TCPConnection: ByteStream {
    let descriptor: Int32
    /// The request's whole time, reported when a deadline passes.
    let timeoutSeconds: Double

    private init(descriptor: Int32, timeoutSeconds: Double) {
        self.descriptor = descriptor
        self.timeoutSeconds = timeoutSeconds
    }

    deinit { close(descriptor) }

    /// Resolves `host` and connects to the first address that accepts before `deadline`.
    static func connect(host: String, port: UInt16, before deadline: ContinuousClock.Instant, connectSeconds: Double,
                        timeoutSeconds: Double) throws(TransportFailure) -> TCPConnection {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_ADDRCONFIG
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw .unreachable("cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var reason = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let address = entry {
            entry = address.pointee.ai_next
            let socketDescriptor = socket(address.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard socketDescriptor >= 0 else { reason = String(cString: strerror(errno)); continue }
            let connection = TCPConnection(descriptor: socketDescriptor, timeoutSeconds: timeoutSeconds)
            if Glibc.connect(socketDescriptor, address.pointee.ai_addr, address.pointee.ai_addrlen) != 0 {
                guard errno == EINPROGRESS else { reason = String(cString: strerror(errno)); continue }
                guard connection.wait(for: Int16(POLLOUT), before: deadline) else {
                    reason = "no answer within \(connectSeconds.secondsText) s"
                    continue
                }
                var error: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(socketDescriptor, SOL_SOCKET, SO_ERROR, &error, &length)
                guard error == 0 else { reason = String(cString: strerror(error)); continue }
            }
            var on: Int32 = 1
            setsockopt(socketDescriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
            setsockopt(socketDescriptor, SOL_SOCKET, SO_KEEPALIVE, &on, socklen_t(MemoryLayout<Int32>.size))
            return connection
        }
        throw .unreachable("cannot connect to \(host) port \(port): \(reason)")
    }

    /// Waits until the socket is ready for `events`; false when the deadline passed first.
    func wait(for events: Int16, before deadline: ContinuousClock.Instant) -> Bool {
        while true {
            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            let ready = poll(&entry, 1, deadline.millisecondsLeft)
            if ready > 0 { return true }
            if ready < 0 && errno == EINTR { continue }
            if deadline.hasPassed || ready == 0 { return false }
        }
    }

    func waitOrFail(for events: Int16, before deadline: ContinuousClock.Instant) throws(TransportFailure) {
        guard wait(for: events, before: deadline) else { throw TransportFailure(kind: .timedOut(seconds: timeoutSeconds)) }
    }

    func send(_ bytes: [UInt8], before deadline: ContinuousClock.Instant) throws(TransportFailure) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written > 0 {
                offset += written
            } else if errno == EAGAIN || errno == EINTR {
                try waitOrFail(for: Int16(POLLOUT), before: deadline)
            } else {
                throw .unreachable("sending: \(String(cString: strerror(errno)))")
            }
        }
    }

    func receive(upTo count: Int, before deadline: ContinuousClock.Instant) throws(TransportFailure) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        while true {
            let read = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if read >= 0 { return Array(buffer[..<read]) }
            guard errno == EAGAIN || errno == EINTR else { throw .unreachable("receiving: \(String(cString: strerror(errno)))") }
            try waitOrFail(for: Int16(POLLIN), before: deadline)
        }
    }
}
