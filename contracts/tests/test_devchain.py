"""The development chain as a client sees it: over HTTP, with signed raw transactions."""

import json
import signal

import pytest
from eth_account import Account

from contracts.compile import load
from contracts.tests.devchain_proc import post, result, rpc, running_devchain

TO = "0x" + "11" * 20


@pytest.fixture(scope="module")
def chain():
    with running_devchain("--chain-id", "1337") as (info, proc):
        yield info


def sign(info, index=0, **tx):
    key = info["accounts"][index]["private_key"]
    sender = info["accounts"][index]["address"]
    base = {"chainId": info["chain_id"], "gas": 21000, "to": TO, "value": 1,
            "nonce": int(result(info["url"], "eth_getTransactionCount", sender, "pending"), 16)}
    if "gasPrice" not in tx:
        base.update(maxFeePerGas=10**11, maxPriorityFeePerGas=10**9)
    base.update(tx)
    return "0x" + Account.sign_transaction(base, key).raw_transaction.hex()


def test_first_line_names_url_chain_and_funded_accounts(chain):
    assert chain["url"].startswith("http://127.0.0.1:") and chain["chain_id"] == 1337
    assert len(chain["accounts"]) == 10
    for acct in chain["accounts"][:3]:
        assert Account.from_key(acct["private_key"]).address == acct["address"]
        assert int(result(chain["url"], "eth_getBalance", acct["address"], "latest"), 16) >= 10**24


def test_identity_and_fee_methods(chain):
    url = chain["url"]
    assert result(url, "eth_chainId") == "0x539" and result(url, "net_version") == "1337"
    assert int(result(url, "eth_gasPrice"), 16) > int(result(url, "eth_maxPriorityFeePerGas"), 16) > 0
    history = result(url, "eth_feeHistory", "0x2", "latest", [50])
    assert set(history) == {"oldestBlock", "baseFeePerGas", "gasUsedRatio", "reward"}
    block = result(url, "eth_getBlockByNumber", "latest", False)
    assert int(block["baseFeePerGas"], 16) > 0 and block["number"] == result(url, "eth_blockNumber")
    assert {"hash", "parentHash", "miner", "timestamp", "gasLimit", "logsBloom", "transactions"} <= set(block)
    assert result(url, "eth_getBlockByHash", block["hash"], False)["number"] == block["number"]


def test_a_transfer_is_mined_with_a_receipt(chain):
    url = chain["url"]
    before = int(result(url, "eth_blockNumber"), 16)
    tx_hash = result(url, "eth_sendRawTransaction", sign(chain, value=12345))
    receipt = result(url, "eth_getTransactionReceipt", tx_hash)
    assert receipt["status"] == "0x1" and int(receipt["blockNumber"], 16) == before + 1
    assert receipt["from"].lower() == chain["accounts"][0]["address"].lower() and receipt["to"] == TO
    tx = result(url, "eth_getTransactionByHash", tx_hash)
    assert tx["hash"] == tx_hash and tx["value"] == hex(12345) and tx["blockNumber"] == receipt["blockNumber"]
    assert int(result(url, "eth_getBalance", TO, "latest"), 16) >= 12345
    full = result(url, "eth_getBlockByNumber", receipt["blockNumber"], True)
    assert [t["hash"] for t in full["transactions"]] == [tx_hash]
    assert result(url, "eth_getTransactionReceipt", "0x" + "00" * 32) is None


def test_admission_errors_are_gethlike(chain):
    url = chain["url"]
    sender = chain["accounts"][1]["address"]
    raw = sign(chain, index=1)
    result(url, "eth_sendRawTransaction", raw)
    assert rpc(url, "eth_sendRawTransaction", raw)["error"] == {"code": -32000, "message": "nonce too low"}
    nonce = int(result(url, "eth_getTransactionCount", sender, "latest"), 16)
    wrong_chain = sign(chain, index=1, chainId=1, nonce=nonce)
    assert rpc(url, "eth_sendRawTransaction", wrong_chain)["error"]["code"] == -32000
    assert "chain id" in rpc(url, "eth_sendRawTransaction", wrong_chain)["error"]["message"]
    poor = Account.create()
    tx = Account.sign_transaction({"chainId": 1337, "gas": 21000, "to": TO, "value": 1, "nonce": 0,
                                   "maxFeePerGas": 10**11, "maxPriorityFeePerGas": 10**9}, poor.key)
    err = rpc(url, "eth_sendRawTransaction", "0x" + tx.raw_transaction.hex())["error"]
    assert err == {"code": -32000, "message": "insufficient funds for gas * price + value"}
    transfer = {"from": poor.address, "to": TO, "value": hex(10**18)}
    assert rpc(url, "eth_estimateGas", transfer)["error"] == {"code": -32000, "message": "insufficient funds for transfer"}
    assert result(url, "eth_estimateGas", {"from": sender, "to": TO, "value": "0x1"}) == hex(21000)
    unprotected = Account.sign_transaction({"gas": 21000, "to": TO, "value": 1, "nonce": nonce, "gasPrice": 10**11},
                                           chain["accounts"][1]["private_key"])
    assert rpc(url, "eth_sendRawTransaction", "0x" + unprotected.raw_transaction.hex())["error"] == {
        "code": -32000, "message": "only replay-protected (EIP-155) transactions allowed over RPC"}
    assert rpc(url, "eth_sendRawTransaction", sign(chain, index=1, gas=10**9))["error"] == {"code": -32000, "message": "exceeds block gas limit"}
    low = sign(chain, index=1, gas=20000)
    assert rpc(url, "eth_sendRawTransaction", low)["error"]["message"] == "intrinsic gas too low"
    cheap = sign(chain, index=1, gasPrice=1)
    assert rpc(url, "eth_sendRawTransaction", cheap)["error"]["message"].startswith("max fee per gas less than block base fee")


def test_contract_deploy_call_revert_data_estimate_and_logs(chain):
    url = chain["url"]
    build = load()
    owner = chain["accounts"][2]
    deploy = sign(chain, index=2, to=None, value=0, gas=5_000_000, data=build["bytecode"])
    receipt = result(url, "eth_getTransactionReceipt", result(url, "eth_sendRawTransaction", deploy))
    from web3 import Web3
    address = Web3.to_checksum_address(receipt["contractAddress"])
    assert receipt["status"] == "0x1" and len(result(url, "eth_getCode", address, "latest")) > 1000
    c = Web3().eth.contract(abi=build["abi"])
    owner_call = {"to": address, "data": c.encode_abi("owner", [])}
    assert int(result(url, "eth_call", owner_call, "latest"), 16) == int(owner["address"], 16)
    # unpause while not paused reverts with Error("pausable: not paused")
    unpause = {"from": owner["address"], "to": address, "data": c.encode_abi("unpause", [])}
    err = rpc(url, "eth_call", unpause, "latest")["error"]
    assert err["code"] == 3 and err["message"] == "execution reverted: pausable: not paused"
    assert err["data"].startswith("0x08c379a0")
    assert rpc(url, "eth_estimateGas", unpause)["error"]["message"] == "execution reverted: pausable: not paused"
    pause = dict(unpause, data=c.encode_abi("pause", []))
    gas = int(result(url, "eth_estimateGas", pause), 16)
    assert 21000 < gas < 100000
    tx_hash = result(url, "eth_sendRawTransaction", sign(chain, index=2, to=address, value=0, gas=gas, data=pause["data"]))
    receipt = result(url, "eth_getTransactionReceipt", tx_hash)
    assert receipt["status"] == "0x1" and len(receipt["logs"]) == 1
    topic = "0x" + Web3.keccak(text="Paused(address)").hex().removeprefix("0x")
    logs = result(url, "eth_getLogs", {"fromBlock": "0x0", "toBlock": "latest", "address": address, "topics": [topic]})
    assert len(logs) == 1 and logs[0]["transactionHash"] == tx_hash
    assert logs[0]["address"].lower() == address.lower() and logs[0]["removed"] is False
    assert logs[0]["transactionHash"] == tx_hash and logs[0]["removed"] is False
    assert result(url, "eth_getLogs", {"fromBlock": "0x0", "address": address, "topics": ["0x" + "00" * 32]}) == []


def test_batches_notifications_and_protocol_errors(chain):
    url = chain["url"]
    body = json.dumps([
        {"jsonrpc": "2.0", "id": 7, "method": "eth_chainId"},
        {"jsonrpc": "2.0", "method": "eth_blockNumber"},  # notification: no response
        {"jsonrpc": "2.0", "id": 8, "method": "eth_nothing"},
        {"id": 9, "method": "eth_chainId"},
        {"jsonrpc": "2.0", "id": 10, "method": "eth_getBalance", "params": ["0x12"]},
    ]).encode()
    _, responses = post(url, body)
    assert [r["id"] for r in responses] == [7, 8, 9, 10]
    assert responses[0]["result"] == "0x539"
    assert responses[1]["error"]["code"] == -32601
    assert responses[2]["error"]["code"] == -32600
    assert responses[3]["error"]["code"] == -32602
    assert post(url, b"{not json")[1] == {"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": "parse error"}}
    assert post(url, b"[]")[1]["error"]["code"] == -32600
    assert post(url, json.dumps({"jsonrpc": "2.0", "method": "eth_chainId"}).encode()) == (204, None)


def test_snapshot_and_revert_drop_a_receipt(chain):
    url = chain["url"]
    snap = result(url, "evm_snapshot")
    tx_hash = result(url, "eth_sendRawTransaction", sign(chain, index=3))
    mined_in = result(url, "eth_getTransactionReceipt", tx_hash)["blockNumber"]
    assert result(url, "evm_revert", snap) is True
    assert result(url, "eth_getTransactionReceipt", tx_hash) is None
    assert int(result(url, "eth_blockNumber"), 16) == int(mined_in, 16) - 1
    result(url, "evm_mine")
    result(url, "evm_mine")
    assert result(url, "eth_getTransactionReceipt", tx_hash) is None
    assert result(url, "evm_revert", snap) is False  # a snapshot is used up


def test_block_time_mode_pools_replaces_and_mines_on_schedule():
    with running_devchain("--block-time", "1.5", "--chain-id", "99") as (info, proc):
        url, sender = info["url"], info["accounts"][0]["address"]
        first = sign(info, maxFeePerGas=10**10, maxPriorityFeePerGas=10**9)
        first_hash = result(url, "eth_sendRawTransaction", first)
        assert result(url, "eth_getTransactionReceipt", first_hash) is None
        pending = result(url, "eth_getTransactionByHash", first_hash)
        assert pending["blockNumber"] is None
        assert result(url, "eth_getTransactionCount", sender, "pending") == "0x1"
        assert result(url, "eth_getTransactionCount", sender, "latest") == "0x0"
        same_price = sign(info, nonce=0, value=2, maxFeePerGas=10**10, maxPriorityFeePerGas=10**9)
        err = rpc(url, "eth_sendRawTransaction", same_price)["error"]
        assert err == {"code": -32000, "message": "replacement transaction underpriced"}
        # The same transaction again, byte for byte, is known; a different one at the same nonce is a replacement.
        assert rpc(url, "eth_sendRawTransaction", first)["error"] == {"code": -32000, "message": "already known"}
        bumped = sign(info, nonce=0, value=3, maxFeePerGas=11 * 10**9, maxPriorityFeePerGas=11 * 10**8)
        bumped_hash = result(url, "eth_sendRawTransaction", bumped)
        import time
        deadline = time.time() + 20
        while result(url, "eth_getTransactionReceipt", bumped_hash) is None:
            assert time.time() < deadline, "no block within 20 s"
            time.sleep(0.3)
        assert result(url, "eth_getTransactionReceipt", first_hash) is None
        assert result(url, "eth_getTransactionByHash", bumped_hash)["value"] == "0x3"


def test_besu_mode_takes_legacy_transactions_at_gas_price_zero():
    with running_devchain("--besu", "--chain-id", "2018") as (info, proc):
        url = info["url"]
        assert info["besu"] is True and result(url, "eth_gasPrice") == "0x0"
        assert result(url, "eth_getBlockByNumber", "latest", False)["baseFeePerGas"] == "0x0"
        sender = info["accounts"][0]["address"]
        balance = int(result(url, "eth_getBalance", sender, "latest"), 16)
        tx_hash = result(url, "eth_sendRawTransaction", sign(info, gasPrice=0, value=5))
        assert result(url, "eth_getTransactionReceipt", tx_hash)["status"] == "0x1"
        assert int(result(url, "eth_getBalance", sender, "latest"), 16) == balance - 5


def test_besu_mode_refuses_in_besus_words():
    # Besu's RpcErrorType: codes and messages differ from geth's (contracts/devchain/admission.py).
    with running_devchain("--besu", "--chain-id", "2018", "--block-time", "30") as (info, proc):
        url = info["url"]

        def refused(raw):
            return rpc(url, "eth_sendRawTransaction", raw)["error"]

        first = sign(info, gasPrice=10)
        result(url, "eth_sendRawTransaction", first)
        assert refused(first) == {"code": -32000, "message": "Known transaction"}
        assert refused(sign(info, gasPrice=10, nonce=0, value=2)) == {"code": -32000, "message": "Replacement transaction underpriced"}
        assert refused(sign(info, gasPrice=0, gas=20000)) == {"code": -32003, "message": "Intrinsic gas exceeds gas limit"}
        assert refused(sign(info, gasPrice=0, gas=10**9)) == {"code": -32005, "message": "Transaction gas limit exceeds block gas limit"}
        assert refused(sign(info, gasPrice=0, chainId=1)) == {"code": -32000, "message": "Wrong chainId"}
        unprotected = Account.sign_transaction({"gas": 21000, "to": TO, "value": 1, "nonce": 1, "gasPrice": 0},
                                               info["accounts"][0]["private_key"])
        assert refused("0x" + unprotected.raw_transaction.hex()) == {"code": -32000, "message": "ChainId is required"}
        poor = Account.create()
        broke = Account.sign_transaction({"chainId": 2018, "gas": 21000, "to": TO, "value": 1, "nonce": 0, "gasPrice": 0}, poor.key)
        assert refused("0x" + broke.raw_transaction.hex()) == {"code": -32004, "message": "Upfront cost exceeds account balance"}
        result(url, "evm_mine")
        assert refused(first) == {"code": -32001, "message": "Nonce too low"}  # mined: no longer pooled


def test_sigterm_ends_the_server_cleanly():
    with running_devchain() as (info, proc):
        result(info["url"], "eth_chainId")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 0


def test_refuses_addresses_beyond_loopback():
    import subprocess
    import sys
    from contracts.tests.devchain_proc import REPO
    out = subprocess.run([sys.executable, "-m", "contracts.devchain", "--host", "0.0.0.0", "--port", "0"],
                         cwd=REPO, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "loopback only" in out.stderr


def test_evm_mine_sets_the_next_block_time(chain):
    url = chain["url"]
    before = result(url, "eth_getBlockByNumber", "latest", False)
    result(url, "evm_mine", hex(int(before["timestamp"], 16) + 3600))
    after = result(url, "eth_getBlockByNumber", "latest", False)
    assert int(after["number"], 16) == int(before["number"], 16) + 1
    assert int(after["timestamp"], 16) == int(before["timestamp"], 16) + 3600
