import FoundationEssentials
import Glibc
import Logging
import ServiceLifecycle

/// Publishes the metrics: a node_exporter textfile rewritten atomically, or `GET /metrics` on a
/// loopback port (one small request at a time: a scraper every few seconds, nothing more).
struct MetricsService: Service {
    let settings: MetricsSettings
    let status: StatusBoard
    let logger: Logger

    func run() async throws {
        switch settings {
        case .off:
            // Not started when off (a service that returns would stop the daemon).
            break
        case .textfile(let path, let interval):
            while keepRunning {
                let text = await status.prometheusText(now: Date())
                do { try Self.writeAtomically(text, to: path) } catch {
                    logger.warning("cannot write the metrics textfile: \(error)", metadata: ["path": "\(path)"])
                }
                await pause(seconds: interval)
            }
        case .listen(let host, let port):
            let listener = try MetricsListener(host: host, port: port)
            logger.info("metrics on http://\(host):\(port)/metrics")
            while keepRunning {
                guard let client = listener.accept(timeoutMilliseconds: 250) else { continue }
                let text = await status.prometheusText(now: Date())
                MetricsListener.answer(client, body: text)
            }
        }
    }

    static func writeAtomically(_ text: String, to path: String) throws {
        let temporary = path + ".tmp"
        try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }
}

/// A listening TCP socket that answers every request with the metrics text.
final class MetricsListener: Sendable {
    private let descriptor: Int32

    init(host: String, port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw MeterdError.metrics("cannot create the metrics socket") }
        var yes: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            close(descriptor)
            throw MeterdError.metrics("metrics listen address \(host) is not an IPv4 address")
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 8) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw MeterdError.metrics("cannot listen on \(host):\(port) for metrics: \(reason)")
        }
    }

    deinit { close(descriptor) }

    func accept(timeoutMilliseconds: Int32) -> Int32? {
        var waiting = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&waiting, 1, timeoutMilliseconds) == 1 else { return nil }
        let client = Glibc.accept(descriptor, nil, nil)
        return client >= 0 ? client : nil
    }

    static func answer(_ client: Int32, body: String) {
        defer { close(client) }
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var request = [UInt8](repeating: 0, count: 2048)
        let count = read(client, &request, request.count)
        let firstLine = String(decoding: request.prefix(max(0, count)), as: UTF8.self).split(separator: "\r\n").first ?? ""
        let found = firstLine.hasPrefix("GET /metrics ") || firstLine.hasPrefix("GET / ")
        let content = found ? body : "not found: GET /metrics\n"
        let header = "HTTP/1.0 \(found ? "200 OK" : "404 Not Found")\r\nContent-Type: text/plain; version=0.0.4\r\n"
            + "Content-Length: \(content.utf8.count)\r\nConnection: close\r\n\r\n"
        let bytes = Array((header + content).utf8)
        var sent = 0
        while sent < bytes.count {
            let written = bytes[sent...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written <= 0 { return }
            sent += written
        }
    }
}
