import Foundation
import Glibc

/// A misbehaving JSON-RPC endpoint on loopback: the URL's path picks the misbehaviour. Run as a Python
/// child (the standard library's threading HTTP server), killed when the test ends.
final class HostileRPCServer: @unchecked Sendable {
    static let script = #"""
import json, signal, sys, time
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args):
        pass
    def send(self, status, body, length=None):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            ident = json.loads(body).get("id")
        except Exception:
            ident = None
        path = self.path
        if path == "/500":
            self.send(500, b"internal server error")
        elif path == "/malformed":
            self.send(200, b'{"jsonrpc":"2.0","id":' + json.dumps(ident).encode() + b',"result":"0x1"')
        elif path == "/huge":
            chunk = b"[" * 0 + b"0" * 65536
            total = 64 * 1024 * 1024
            self.send_response(200)
            self.send_header("Content-Length", str(total))
            self.end_headers()
            try:
                for _ in range(total // len(chunk)):
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif path == "/slow":
            time.sleep(10)
            self.send(200, json.dumps({"jsonrpc": "2.0", "id": ident, "result": "0x1"}).encode())
        elif path == "/wrongtype":
            self.send(200, json.dumps({"jsonrpc": "2.0", "id": ident, "result": 12345}).encode())
        elif path == "/missing":
            self.send(200, json.dumps({"jsonrpc": "2.0", "id": ident}).encode())
        elif path == "/wrongid":
            self.send(200, json.dumps({"jsonrpc": "2.0", "id": 999999, "result": "0x1"}).encode())
        elif path == "/overflow":
            self.send(200, json.dumps({"jsonrpc": "2.0", "id": ident, "result": "0x" + "f" * 40}).encode())
        elif path == "/nested":
            self.send(200, b'{"jsonrpc":"2.0","id":' + json.dumps(ident).encode() + b',"result":' + b"[" * 100000 + b"]" * 100000 + b"}")
        elif path == "/chunked":
            answer = json.dumps({"jsonrpc": "2.0", "id": ident, "result": "0x539"}).encode()
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for piece in (answer[:5], answer[5:17], answer[17:]):
                self.wfile.write(b"%x;ext=1\r\n%s\r\n" % (len(piece), piece))
                self.wfile.flush()
            self.wfile.write(b"0\r\nX-Trailer: 1\r\n\r\n")
        elif path == "/closedelimited":
            self.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n")
            self.wfile.write(json.dumps({"jsonrpc": "2.0", "id": ident, "result": "0x539"}).encode())
            self.close_connection = True
        elif path == "/badchunk":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")
            self.close_connection = True
        elif path == "/bighead":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Filler: " + b"a" * 70000 + b"\r\nContent-Length: 2\r\n\r\n{}")
            self.close_connection = True
        elif path == "/hangup":
            self.close_connection = True
        elif path == "/oncethenclose":
            # Answers with keep-alive, then drops the idle connection, as nodes behind proxies do.
            self.send(200, json.dumps({"jsonrpc": "2.0", "id": ident, "result": "0x539"}).encode())
            self.close_connection = True
        elif path == "/error":
            self.send(200, json.dumps({"jsonrpc": "2.0", "id": ident, "error": {"code": -32601, "message": "the method is not available"}}).encode())
        else:
            self.send(200, json.dumps({"jsonrpc": "2.0", "id": ident, "result": "0x539"}).encode())

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
if len(sys.argv) == 3:
    import ssl
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sys.argv[1], sys.argv[2])
    server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
"""#

    private let process = Process()
    let port: Int

    let scheme: String

    /// With a certificate and key (PEM files) it speaks HTTPS.
    init(certificate: String? = nil, key: String? = nil) throws {
        scheme = certificate == nil ? "http" : "https"
        port = try ChildProcess.startServer(process, script: Self.script, arguments: [certificate, key].compactMap { $0 },
                                            named: "the hostile RPC server")
    }

    deinit { stop() }

    func stop() { ChildProcess.stop(process, grace: 1) }

    func url(_ path: String) -> String { "\(scheme)://127.0.0.1:\(port)/\(path)" }
}
