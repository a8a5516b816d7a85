import argparse
import json
import signal
import sys
import threading

from .node import Node
from .server import make_server


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m contracts.devchain", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="a loopback address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8545, help="TCP port; 0 picks a free one (default 8545)")
    parser.add_argument("--chain-id", type=int, default=1337)
    parser.add_argument("--block-time", type=float, default=None,
                        help="mine a block every SECONDS (default: one block per transaction)")
    parser.add_argument("--besu", action="store_true",
                        help="behave like a private Besu network: base fee 0, gas price 0 accepted")
    parser.add_argument("--accounts", type=int, default=10, help="funded development accounts (default 10)")
    args = parser.parse_args(argv)
    if args.block_time is not None and args.block_time <= 0:
        parser.error("--block-time must be positive")

    node = Node(chain_id=args.chain_id, besu=args.besu, accounts=args.accounts)
    node.automine = args.block_time is None
    try:
        server = make_server(node, args.host, args.port)
    except (ValueError, OSError) as e:
        print(f"devchain: cannot listen on {args.host}:{args.port}: {e}", file=sys.stderr)
        return 2
    host, port = server.server_address[:2]
    print(json.dumps({
        "url": f"http://{host}:{port}",
        "chain_id": args.chain_id,
        "besu": args.besu,
        "block_time": args.block_time,
        "accounts": [{"address": k.public_key.to_checksum_address(), "private_key": "0x" + k.to_bytes().hex()}
                     for k in node.keys],
    }), flush=True)

    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    if args.block_time is not None:
        def produce():
            while not stop.wait(args.block_time):
                node.mine()
        threading.Thread(target=produce, daemon=True).start()

    server.serve_forever(poll_interval=0.2)
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
