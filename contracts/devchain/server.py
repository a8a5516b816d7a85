"""JSON-RPC 2.0 over HTTP on loopback for the development chain: single and batch
requests, standard error objects (-32700 parse error, -32600 invalid request, -32601
unknown method, -32602 invalid params, -32000 and 3 from the chain, like geth)."""

import ipaddress
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .node import Node, RpcError, data_hex, parse_data, parse_qty, qty

MAX_BODY = 8 * 1024 * 1024


def methods(node: Node):
    def block_number():
        return qty(node.head().block_number)

    def get_balance(address, tag="latest"):
        return qty(node.state_at(tag).get_balance(parse_data(address, "address", 20)))

    def get_transaction_count(address, tag="latest"):
        sender = parse_data(address, "address", 20)
        if tag == "pending":
            return qty(node.pending_nonce(sender))
        return qty(node.state_at(tag).get_nonce(sender))

    def get_code(address, tag="latest"):
        return data_hex(node.state_at(tag).get_code(parse_data(address, "address", 20)))

    def get_storage_at(address, slot, tag="latest"):
        value = node.state_at(tag).get_storage(parse_data(address, "address", 20), parse_qty(slot, "slot"))
        return data_hex(value.to_bytes(32, "big"))

    def send_raw_transaction(raw):
        tx = node.send_raw(parse_data(raw, "transaction"))
        if node.automine:
            node.mine()
        return data_hex(tx.hash)

    def get_transaction_receipt(tx_hash):
        return node.receipt(parse_data(tx_hash, "transaction hash", 32))

    def get_transaction_by_hash(tx_hash):
        return node.transaction(parse_data(tx_hash, "transaction hash", 32))

    def get_block_by_number(tag, full=False):
        return node.block(tag, bool(full))

    def get_block_by_hash(block_hash, full=False):
        return node.block_by_hash(parse_data(block_hash, "block hash", 32), bool(full))

    def call(obj, tag="latest"):
        return data_hex(node.call(obj, tag))

    def estimate_gas(obj, tag="latest"):
        return qty(node.estimate_gas(obj, tag))

    def fee_history(count, newest="latest", percentiles=None):
        return node.fee_history(count, newest, percentiles or [])

    def evm_mine(timestamp=None):
        node.mine(None if timestamp is None else parse_qty(timestamp, "timestamp"))
        return "0x0"

    return {
        "web3_clientVersion": lambda: "meterd-devchain/1 (eth-tester, py-evm)",
        "eth_chainId": lambda: qty(node.chain_id),
        "net_version": lambda: str(node.chain_id),
        "net_listening": lambda: True,
        "eth_syncing": lambda: False,
        "eth_accounts": lambda: [],
        "eth_blockNumber": block_number,
        "eth_getBalance": get_balance,
        "eth_getTransactionCount": get_transaction_count,
        "eth_getCode": get_code,
        "eth_getStorageAt": get_storage_at,
        "eth_gasPrice": lambda: qty(node.gas_price()),
        "eth_maxPriorityFeePerGas": lambda: qty(node.priority_fee()),
        "eth_feeHistory": fee_history,
        "eth_estimateGas": estimate_gas,
        "eth_call": call,
        "eth_sendRawTransaction": send_raw_transaction,
        "eth_getTransactionReceipt": get_transaction_receipt,
        "eth_getTransactionByHash": get_transaction_by_hash,
        "eth_getBlockByNumber": get_block_by_number,
        "eth_getBlockByHash": get_block_by_hash,
        "eth_getLogs": lambda flt: node.logs(flt),
        "evm_snapshot": node.snapshot,
        "evm_revert": node.revert,
        "evm_mine": evm_mine,
    }


def error(ident, code, message, data=None):
    err = {"code": code, "message": message}
    if data is not None:
        err["data"] = data
    return {"jsonrpc": "2.0", "id": ident, "error": err}


def handle_one(node, table, request):
    if not isinstance(request, dict) or request.get("jsonrpc") != "2.0" or not isinstance(request.get("method"), str):
        return error(request.get("id") if isinstance(request, dict) else None, -32600, "invalid request")
    ident = request.get("id")
    notification = "id" not in request
    method = table.get(request["method"])
    if method is None:
        response = error(ident, -32601, f"the method {request['method']} does not exist/is not available")
    else:
        params = request.get("params", [])
        if not isinstance(params, list):
            response = error(ident, -32602, "invalid params: a list is expected")
        else:
            try:
                with node.lock:
                    result = method(*params)
                response = {"jsonrpc": "2.0", "id": ident, "result": result}
            except RpcError as e:
                response = error(ident, e.code, e.message, e.data)
            except TypeError as e:
                response = error(ident, -32602, f"invalid params: {e}")
            except Exception as e:  # noqa: BLE001 - any other failure is the server's
                response = error(ident, -32603, f"internal error: {type(e).__name__}: {e}")
    return None if notification else response


def handle_body(node, table, body):
    """The response object (or list) for a request body, or None for notifications only."""
    try:
        request = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return error(None, -32700, "parse error")
    if isinstance(request, list):
        if not request:
            return error(None, -32600, "invalid request: empty batch")
        responses = [r for r in (handle_one(node, table, item) for item in request) if r is not None]
        return responses or None
    return handle_one(node, table, request)


def make_server(node, host, port):
    if not ipaddress.ip_address(host).is_loopback:
        raise ValueError(f"devchain listens on loopback only, not {host}")
    table = methods(node)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def _reply(self, status, payload):
            body = b"" if payload is None else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._reply(413, error(None, -32600, "request too large"))
                return
            payload = handle_body(node, table, self.rfile.read(length))
            self._reply(200 if payload is not None else 204, payload)

        def do_GET(self):
            self._reply(405, error(None, -32600, "use POST for JSON-RPC"))

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return server
