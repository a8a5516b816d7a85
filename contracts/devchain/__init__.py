"""A development Ethereum chain over JSON-RPC on loopback (eth-tester + py-evm).

    .venv/bin/python -m contracts.devchain --port 0 --chain-id 1337 [--block-time S] [--besu]

The first line on stdout is one JSON object: url, chain_id, besu, block_time and the
funded development accounts (address and private key)."""

from .node import Node, RpcError, dev_keys  # noqa: F401
