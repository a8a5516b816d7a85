"""A misbehaving JSON-RPC endpoint on loopback for meterd's transport tests: the request path picks
the misbehaviour. Listens on 127.0.0.1 and ::1 on a free port and prints the port as its first line.

    hostile_rpc.py [--cert PEM --key PEM] [--max-tls 1.1]

With a certificate (its chain after it in the same file) it speaks HTTPS; --max-tls offers nothing
newer than that TLS version, as an old appliance would.
"""
import argparse
import json
import signal
import socket
import ssl
import struct
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})


def answer(ident, result="0x539"):
    return json.dumps({"jsonrpc": "2.0", "id": ident, "result": result}).encode()


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

    def raw(self, data, close=True):
        """Bytes written as they are: the framing under test is the server's own."""
        self.wfile.write(data)
        self.wfile.flush()
        self.close_connection = close

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            self.request_json = json.loads(body)
            ident = self.request_json.get("id")
        except ValueError:
            self.request_json, ident = {}, None
        route = getattr(self, "route_" + self.path.strip("/").replace("-", "_"), None)
        if route is None:
            self.send(200, answer(ident))
        else:
            route(ident)

    # Answers that are right, framed in each way HTTP allows.

    def route_chunked(self, ident):
        data = answer(ident)
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for piece in (data[:5], data[5:17], data[17:]):
            self.wfile.write(b"%x;ext=1\r\n%s\r\n" % (len(piece), piece))
            self.wfile.flush()
        self.wfile.write(b"0\r\nX-Trailer: 1\r\n\r\n")

    def route_closedelimited(self, ident):
        self.raw(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + answer(ident))

    def route_oncethenclose(self, ident):
        # Answers with keep-alive, then drops the idle connection, as nodes behind proxies do.
        self.send(200, answer(ident))
        self.close_connection = True

    def route_junkafter(self, ident):
        # A second, unasked-for answer follows the first on the same connection, shaped as the answer
        # to the next request: a client that reused the connection would take it for that answer.
        junk = answer(ident + 1 if isinstance(ident, int) else 0, "0x666")
        self.raw(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(answer(ident)), answer(ident))
                 + b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(junk), junk), close=False)

    def route_bothlengths(self, ident):
        # Content-Length and Transfer-Encoding together (request smuggling's shape): the chunked body
        # is the message; the connection must not be trusted afterwards.
        data = answer(ident)
        self.raw(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n0\r\n\r\n" % (len(data), data), close=False)

    # Answers that are wrong as HTTP.

    def route_negativechunk(self, ident):
        self.raw(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n" + answer(ident) + b"\r\n0\r\n\r\n")

    def route_hugechunk(self, ident):
        self.raw(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n" + answer(ident) + b"\r\n0\r\n\r\n")

    def route_badchunk(self, ident):
        self.raw(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")

    def route_longchunk(self, ident):
        data = answer(ident)
        self.raw(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n" + data + b"\r\n0\r\n\r\n")

    def route_bigheaders(self, ident):
        filler = b"".join(b"X-Filler-%d: %s\r\n" % (n, b"a" * 1000) for n in range(1024))
        self.raw(b"HTTP/1.1 200 OK\r\n" + filler + b"Content-Length: 2\r\n\r\n{}")

    def route_hugebody(self, ident):
        total = 100 * 1000 * 1000
        self.send_response(200)
        self.send_header("Content-Length", str(total))
        self.end_headers()
        chunk = b"0" * 65536
        try:
            for _ in range(total // len(chunk)):
                self.wfile.write(chunk)
        except OSError:
            pass
        self.close_connection = True

    def route_hugeunannounced(self, ident):
        # No length announced: only counting while it arrives can stop it.
        self.wfile.write(b"HTTP/1.0 200 OK\r\n\r\n")
        chunk = b"0" * 65536
        try:
            for _ in range(100 * 1000 * 1000 // len(chunk)):
                self.wfile.write(chunk)
        except OSError:
            pass
        self.close_connection = True

    def route_drip(self, ident):
        data = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(answer(ident)), answer(ident))
        try:
            for byte in data:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(1)
        except OSError:
            pass
        self.close_connection = True

    def route_resetmidbody(self, ident):
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"jsonrpc\":")
        self.wfile.flush()
        # SO_LINGER with a zero timeout: close() sends a reset instead of a FIN.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True

    def route_nocontent(self, ident):
        self.raw(b"HTTP/1.1 204 No Content\r\n\r\n", close=False)

    def route_moved(self, ident):
        self.raw(b"HTTP/1.1 301 Moved Permanently\r\nLocation: /ok\r\nContent-Length: 0\r\n\r\n", close=False)

    def route_bighead(self, ident):
        self.raw(b"HTTP/1.1 200 OK\r\nX-Filler: " + b"a" * 70000 + b"\r\nContent-Length: 2\r\n\r\n{}")

    def route_hangup(self, ident):
        self.close_connection = True

    # Answers that are valid HTTP but not a JSON-RPC answer to this request.

    def route_500(self, ident):
        self.send(500, b"internal server error")

    def route_malformed(self, ident):
        self.send(200, b'{"jsonrpc":"2.0","id":' + json.dumps(ident).encode() + b',"result":"0x1"')

    def route_huge(self, ident):
        self.route_hugebody(ident)

    def route_slow(self, ident):
        time.sleep(10)
        self.send(200, answer(ident, "0x1"))

    def route_wrongtype(self, ident):
        self.send(200, json.dumps({"jsonrpc": "2.0", "id": ident, "result": 12345}).encode())

    def route_missing(self, ident):
        self.send(200, json.dumps({"jsonrpc": "2.0", "id": ident}).encode())

    def route_wrongid(self, ident):
        self.send(200, answer(999999, "0x1"))

    def route_overflow(self, ident):
        self.send(200, answer(ident, "0x" + "f" * 40))

    def route_nested(self, ident):
        self.send(200, b'{"jsonrpc":"2.0","id":' + json.dumps(ident).encode() + b',"result":' + b"[" * 100000 + b"]" * 100000 + b"}")

    def route_garbledlogs(self, ident):
        # A node answering eth_getLogs with a log shaped right on the outside (the filter's own contract and
        # event topic) whose data is not the event's: 3 bytes where eight words belong.
        if self.request_json.get("method") != "eth_getLogs":
            result = "0x10" if self.request_json.get("method") == "eth_blockNumber" else "0x539"
            self.send(200, answer(ident, result))
            return
        query = self.request_json["params"][0]
        log = {"address": query["address"], "topics": [query["topics"][0][0], "0x" + "00" * 31 + "01"], "data": "0x123456",
               "blockNumber": query["fromBlock"], "blockHash": "0x" + "ab" * 32, "transactionHash": "0x" + "cd" * 32,
               "logIndex": "0x0", "removed": False}
        self.send(200, json.dumps({"jsonrpc": "2.0", "id": ident, "result": [log]}).encode())

    def route_error(self, ident):
        self.send(200, json.dumps({"jsonrpc": "2.0", "id": ident,
                                   "error": {"code": -32601, "message": "the method is not available"}}).encode())


class DualStackServer(ThreadingHTTPServer):
    address_family = socket.AF_INET6
    daemon_threads = True

    def server_bind(self):
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--max-tls", choices=["1.0", "1.1"])
    options = parser.parse_args()
    server = DualStackServer(("::", 0), Handler)
    if options.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        if options.max_tls:
            context.set_ciphers("DEFAULT:@SECLEVEL=0")
            context.minimum_version = ssl.TLSVersion.TLSv1
            context.maximum_version = {"1.0": ssl.TLSVersion.TLSv1, "1.1": ssl.TLSVersion.TLSv1_1}[options.max_tls]
        context.load_cert_chain(options.cert, options.key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)
    server.serve_forever()


main()
