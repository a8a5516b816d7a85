"""An HTTP forward proxy on loopback, as a company firewall runs one, for meterd's proxy tests:
CONNECT tunnels and absolute-URL requests, optional Basic credentials (407 without them), and routes
that send a host name the machine cannot resolve to a local server. Prints its port as its first line.

    forward_proxy.py LOG CREDENTIALS [HOST:PORT=127.0.0.1:PORT ...]

LOG gets "connection" for each connection accepted, and each request line with the
Proxy-Authorization it carried ("-" for none). CREDENTIALS is user:password, or "" for none.
"""
import base64, select, socket, signal, sys
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
log_path, credentials = sys.argv[1], sys.argv[2]
routes = dict(route.split("=", 1) for route in sys.argv[3:])

class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args):
        pass
    def setup(self):
        super().setup()
        with open(log_path, "a") as log:
            log.write("connection\n")
    def refuse(self, status):
        self.send_response(status)
        if status == 407:
            self.send_header("Proxy-Authenticate", 'Basic realm="site"')
        self.send_header("Content-Length", "0")
        self.end_headers()
    def admitted(self):
        with open(log_path, "a") as log:
            log.write(f"{self.command} {self.path} {self.headers.get('Proxy-Authorization', '-')}\n")
        if credentials and self.headers.get("Proxy-Authorization") != "Basic " + base64.b64encode(credentials.encode()).decode():
            self.refuse(407)
            return False
        return True
    def upstream(self, authority):
        host, port = routes.get(authority, authority).rsplit(":", 1)
        return socket.create_connection((host, int(port)), timeout=5)
    def do_CONNECT(self):
        if not self.admitted():
            return
        try:
            upstream = self.upstream(self.path)
        except OSError:
            return self.refuse(502)
        self.send_response(200, "Connection established")
        self.end_headers()
        self.close_connection = True
        ends = [self.connection, upstream]
        while True:
            readable, _, _ = select.select(ends, [], [], 30)
            if not readable:
                break
            for end in readable:
                data = end.recv(65536)
                if not data:
                    upstream.close()
                    return
                (upstream if end is self.connection else self.connection).sendall(data)
    def do_POST(self):
        if not self.admitted():
            return
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if not self.path.startswith("http://"):
            return self.refuse(400)
        authority, _, path = self.path[len("http://"):].partition("/")
        upstream = self.upstream(authority)
        upstream.sendall(f"POST /{path} HTTP/1.1\r\nHost: {authority}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
        answer = b""
        while chunk := upstream.recv(65536):
            answer += chunk
        upstream.close()
        head, _, content = answer.partition(b"\r\n\r\n")
        status = int(head.split(b" ")[1])
        self.send_response(status)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
