"""A JSON-RPC proxy between meterd and a node, for end-to-end tests.

It forwards every request to the node and can:
- answer a byte-identical resend of a pooled transaction in a chosen wording (--identical-resend): geth
  says "already known", other nodes "replacement transaction underpriced"; whatever the node says, the
  proxy makes it answer as the chosen node would;
- kill the client at an exact point of a send (--kill-file): when the file exists at the first
  eth_sendRawTransaction of a transaction (never at a resend of one it has seen), it holds "PID before-send" (the request is dropped, the process killed: the
  transaction was persisted but never reached the node) or "PID after-send" (the node has it, the
  process is killed before it learns the answer); the file is removed once used;
- record the method of every call, one per line (--record), for counting what meterd asks.

Prints {"url": ...} once it listens.
"""

import argparse
import json
import os
import signal
import sys
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TAKEN_NONCE_WORDINGS = ("already known", "replacement transaction underpriced")


class Proxy:
    def __init__(self, upstream, identical_resend, kill_file, record):
        self.upstream = upstream
        self.identical_resend = identical_resend
        self.kill_file = kill_file
        self.record = record
        self.lock = threading.Lock()
        self.accepted = {}  # raw transaction -> the hash the node gave it
        self.seen = set()  # every raw transaction that arrived

    def forward(self, body):
        request = urllib.request.Request(self.upstream, data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read()

    def node_call(self, method, params):
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
        return json.loads(self.forward(body)).get("result")

    def take_kill_order(self):
        if not self.kill_file:
            return None
        with self.lock:
            try:
                with open(self.kill_file) as file:
                    pid, point = file.read().split()
                os.remove(self.kill_file)
            except (FileNotFoundError, ValueError):
                return None
        return int(pid), point

    def handle(self, body):
        """The answer to send back, or None to drop the request."""
        call = json.loads(body)
        methods = [item.get("method") for item in call] if isinstance(call, list) else [call.get("method")]
        if self.record:
            with self.lock, open(self.record, "a") as file:
                file.writelines(f"{method}\n" for method in methods)
        if methods != ["eth_sendRawTransaction"] or isinstance(call, list):
            return self.forward(body)
        raw = call["params"][0]
        with self.lock:
            first_arrival = raw not in self.seen
            self.seen.add(raw)
        order = self.take_kill_order() if first_arrival else None
        if order and order[1] == "before-send":
            os.kill(order[0], signal.SIGKILL)
            return None
        answer = json.loads(self.forward(body))
        if order:
            os.kill(order[0], signal.SIGKILL)
        if "result" in answer:
            with self.lock:
                self.accepted[raw] = answer["result"]
        elif self.identical_resend and answer.get("error", {}).get("message") in TAKEN_NONCE_WORDINGS:
            with self.lock:
                known = self.accepted.get(raw)
            pooled = known and self.node_call("eth_getTransactionByHash", [known])
            if pooled and pooled.get("blockNumber") is None:
                answer["error"]["message"] = self.identical_resend
        return json.dumps(answer).encode()


def serve(proxy, port):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):  # noqa: N802 (the standard library's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            answer = proxy.handle(body)
            if answer is None:
                self.close_connection = True
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    print(json.dumps({"url": f"http://127.0.0.1:{server.server_address[1]}"}), flush=True)
    server.serve_forever()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", required=True, help="the node's URL")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--identical-resend", choices=TAKEN_NONCE_WORDINGS)
    parser.add_argument("--kill-file")
    parser.add_argument("--record")
    arguments = parser.parse_args()
    # A Swift test hands its blocked signal mask to its children.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    serve(Proxy(arguments.upstream, arguments.identical_resend, arguments.kill_file, arguments.record), arguments.port)


if __name__ == "__main__":
    main()
