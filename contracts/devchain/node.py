"""The chain behind the development JSON-RPC server: eth-tester's py-evm backend, a small
transaction pool with geth's admission rules, mining on each transaction or at a block
time, snapshots for forced reorganisations, and JSON-RPC formatting of the results."""

import threading

from eth.exceptions import InsufficientFunds, Revert
from eth.vm.spoof import SpoofTransaction
from eth_keys import keys
from eth_tester import PyEVMBackend
from eth_tester.backends.pyevm.main import _execute_and_revert_transaction
from eth_utils import keccak

from .admission import refusal

GAS_LIMIT_CAP = 30_000_000
PRICE_BUMP_PERCENT = 10
DEFAULT_ACCOUNTS = 10
FUNDING_WEI = 10**6 * 10**18


class RpcError(Exception):
    """An error answered as a JSON-RPC error object."""

    def __init__(self, code, message, data=None):
        super().__init__(message)
        self.code, self.message, self.data = code, message, data


def dev_keys(count=DEFAULT_ACCOUNTS):
    """Deterministic development keys: keccak256("meterd devchain account <i>")."""
    return [keys.PrivateKey(keccak(text=f"meterd devchain account {i}")) for i in range(count)]


# ---------------------------------------------------------------- JSON formatting

def qty(n):
    return hex(n)


def data_hex(b):
    return "0x" + bytes(b).hex()


def parse_qty(value, name="quantity"):
    if isinstance(value, int):
        return value
    if not isinstance(value, str) or not value.startswith("0x") or len(value) < 3:
        raise RpcError(-32602, f"invalid argument: {name} must be a hex quantity")
    try:
        return int(value, 16)
    except ValueError:
        raise RpcError(-32602, f"invalid argument: {name} must be a hex quantity") from None


def parse_data(value, name="data", size=None):
    if not isinstance(value, str) or not value.startswith("0x"):
        raise RpcError(-32602, f"invalid argument: {name} must be 0x-prefixed hex")
    try:
        raw = bytes.fromhex(value[2:])
    except ValueError:
        raise RpcError(-32602, f"invalid argument: {name} must be 0x-prefixed hex") from None
    if size is not None and len(raw) != size:
        raise RpcError(-32602, f"invalid argument: {name} must be {size} bytes")
    return raw


def camel(key):
    head, *rest = key.split("_")
    return head + "".join(part.capitalize() for part in rest)


def to_json(value, key=None):
    if isinstance(value, dict):
        return {camel(k): to_json(v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        if key == "logs_bloom":
            return data_hex(value.to_bytes(256, "big"))
        return qty(value)
    if isinstance(value, (bytes, bytearray)):
        return data_hex(value)
    return value


def revert_message(output):
    """geth's message for a revert: the Error(string) reason when there is one."""
    if output[:4] == bytes.fromhex("08c379a0") and len(output) >= 68:
        try:
            length = int.from_bytes(output[36:68], "big")
            return "execution reverted: " + output[68:68 + length].decode("utf-8")
        except (UnicodeDecodeError, ValueError):
            pass
    return "execution reverted"


class Node:
    def __init__(self, chain_id=1337, besu=False, accounts=DEFAULT_ACCOUNTS):
        self.chain_id = chain_id
        self.besu = besu
        self.keys = dev_keys(accounts)
        params = PyEVMBackend.generate_genesis_params()
        if besu:
            # Like a private Besu network with "zeroBaseFee": legacy transactions at gas price 0.
            params["base_fee_per_gas"] = 0
        state = PyEVMBackend.generate_genesis_state(num_accounts=0)
        for key in self.keys:
            state[key.public_key.to_canonical_address()] = {
                "balance": FUNDING_WEI, "nonce": 0, "code": b"", "storage": {}}
        self.backend = PyEVMBackend(genesis_parameters=params, genesis_state=state)
        type(self.backend.chain).chain_id = chain_id  # the class is private to this backend
        self.lock = threading.RLock()
        self.pool = {}  # (sender bytes, nonce) -> signed transaction
        self.snapshots = {}
        self.automine = True

    # ------------------------------------------------------------ helpers

    @property
    def chain(self):
        return self.backend.chain

    def head(self):
        return self.chain.get_canonical_head()

    def block_number(self, tag):
        """A block tag or number -> (canonical block number, is_pending)."""
        head = self.head().block_number
        if tag is None or tag in ("latest", "safe", "finalized"):
            return head, False
        if tag == "pending":
            return head, True
        if tag == "earliest":
            return 0, False
        if isinstance(tag, dict):
            raise RpcError(-32602, "invalid argument: block hash objects are not supported")
        n = parse_qty(tag, "block number")
        if n > head:
            raise RpcError(-32000, "header not found")
        return n, False

    def header(self, tag):
        number, _ = self.block_number(tag)
        return self.chain.get_canonical_block_header_by_number(number)

    def state_at(self, tag):
        return self.chain.get_vm(at_header=self.header(tag)).state

    def base_fee(self):
        """Base fee of the next block."""
        return self.chain.get_block().header.base_fee_per_gas

    def pending_nonce(self, sender):
        nonce = self.state_at("latest").get_nonce(sender)
        while (sender, nonce) in self.pool:
            nonce += 1
        return nonce

    # ------------------------------------------------------------ mining

    def mine(self, timestamp=None):
        """Applies the pool's executable transactions in nonce order and mines one block."""
        with self.lock:
            state = self.state_at("latest")
            for sender in sorted({s for s, _ in self.pool}):
                nonce = state.get_nonce(sender)
                while (sender, nonce) in self.pool:
                    tx = self.pool.pop((sender, nonce))
                    try:
                        self.chain.apply_transaction(tx)
                    except Exception:  # noqa: BLE001 - an invalid transaction leaves the pool
                        break
                    nonce += 1
            if timestamp is not None:
                self.chain.header = self.chain.header.copy(timestamp=timestamp)
            self.backend.mine_blocks(1)

    # ------------------------------------------------------------ transactions

    def send_raw(self, raw):
        vm = self.chain.get_vm()
        try:
            tx = vm.get_transaction_builder().decode(raw)
            sender = tx.sender
        except Exception as e:  # noqa: BLE001
            raise RpcError(-32000, f"invalid transaction: {e}") from None
        with self.lock:
            # A pooled hash is answered before any validation, as geth's pool does.
            if self.pooled(tx.hash) is not None:
                self.refuse("already_known")
            tx_chain_id = getattr(tx, "chain_id", None)
            if tx_chain_id is None:
                v = tx.v
                if v in (27, 28):
                    self.refuse("unprotected")
                tx_chain_id = (v - 35) // 2
            if tx_chain_id != self.chain_id:
                self.refuse("wrong_chain_id", tx_chain_id=tx_chain_id, chain_id=self.chain_id)
            state = self.state_at("latest")
            if tx.nonce < state.get_nonce(sender):
                self.refuse("nonce_too_low")
            fee_cap = getattr(tx, "max_fee_per_gas", None)
            tip = getattr(tx, "max_priority_fee_per_gas", None)
            if fee_cap is None:
                fee_cap = tip = tx.gas_price
            if tx.gas > self.chain.get_block().header.gas_limit:
                self.refuse("block_gas_limit")
            if tx.gas < tx.intrinsic_gas:
                self.refuse("intrinsic_gas")
            if fee_cap < self.base_fee():
                self.refuse("below_base_fee", fee_cap=fee_cap, base_fee=self.base_fee())
            if state.get_balance(sender) < tx.gas * fee_cap + tx.value:
                self.refuse("insufficient_funds")
            old = self.pool.get((sender, tx.nonce))
            if old is not None:  # a different transaction: the same hash was answered above
                old_cap = getattr(old, "max_fee_per_gas", None)
                old_tip = getattr(old, "max_priority_fee_per_gas", None)
                if old_cap is None:
                    old_cap = old_tip = old.gas_price
                if fee_cap * 100 < old_cap * (100 + PRICE_BUMP_PERCENT) or tip * 100 < old_tip * (100 + PRICE_BUMP_PERCENT):
                    self.refuse("replacement_underpriced")
            self.pool[(sender, tx.nonce)] = tx
        return tx

    def refuse(self, reason, **details):
        """Raises the refusal in the words of the node this chain stands in for (geth, or Besu)."""
        raise RpcError(*refusal(self.besu, reason, **details))

    def pooled(self, tx_hash):
        for tx in self.pool.values():
            if tx.hash == tx_hash:
                return tx
        return None

    def execute(self, call, tag, gas=None):
        """Runs an eth_call / eth_estimateGas object on the state after block `tag`, in
        the context of the next block, without the fee and balance checks of a real
        transaction (like geth's eth_call at gas price 0); the state is left unchanged."""
        if not isinstance(call, dict):
            raise RpcError(-32602, "invalid argument 0: call object expected")
        sender = parse_data(call["from"], "from", 20) if call.get("from") else b"\x00" * 20
        header = self.header(tag)
        vm = self.chain.get_vm(at_header=self.chain.create_header_from_parent(header))
        state = vm.state
        if gas is None:
            gas = parse_qty(call["gas"], "gas") if call.get("gas") else header.gas_limit
        unsigned = vm.create_unsigned_transaction(
            nonce=state.get_nonce(sender),
            gas_price=0,
            gas=gas,
            to=parse_data(call["to"], "to", 20) if call.get("to") else b"",
            value=parse_qty(call.get("value", "0x0"), "value"),
            data=parse_data(call.get("data") or call.get("input") or "0x", "data"),
        )
        tx = SpoofTransaction(unsigned, from_=sender)
        if gas < tx.intrinsic_gas:
            raise RpcError(-32000, "intrinsic gas too low")
        snapshot = state.snapshot()
        try:
            executor = state.get_transaction_executor()
            computation = executor.build_computation(executor.build_evm_message(tx), tx)
        except InsufficientFunds:
            raise RpcError(-32000, "insufficient funds for transfer") from None
        finally:
            state.revert(snapshot)
        return computation

    def call(self, call, tag="latest"):
        computation = self.execute(call, tag)
        if computation.is_error:
            error = computation.error
            if isinstance(error, Revert):
                output = bytes(computation.output)
                raise RpcError(3, revert_message(output), data_hex(output))
            raise RpcError(-32000, str(error) or type(error).__name__)
        return bytes(computation.output)

    def estimate_gas(self, call, tag="latest"):
        """The smallest gas limit with which the call succeeds (binary search, like geth)."""
        self.call(call, tag)  # a revert answers with its reason and data
        cap = self.header(tag).gas_limit
        if call.get("gas"):
            cap = parse_qty(call["gas"], "gas")
        low, high = 21000 - 1, cap
        while low + 1 < high:
            mid = (low + high) // 2
            try:
                ok = not self.execute(call, tag, gas=mid).is_error
            except RpcError:
                ok = False
            if ok:
                high = mid
            else:
                low = mid
        return high

    # ------------------------------------------------------------ reads

    def block(self, tag, full):
        number, _ = self.block_number(tag)  # "pending" answers the latest block
        block = to_json(self.backend.get_block_by_number(number, full))
        block["miner"] = block.pop("coinbase")
        if full:
            block["transactions"] = [self.tx_json(t) for t in block["transactions"]]
        return block

    def block_by_hash(self, block_hash, full):
        try:
            block = self.chain.get_block_by_hash(block_hash)
        except Exception:  # noqa: BLE001
            return None
        if self.chain.get_canonical_block_hash(block.number) != block.hash:
            return None
        return self.block(hex(block.number), full)

    def tx_json(self, tx):
        out = dict(tx)
        out["input"] = out.pop("data", "0x")
        if out.get("to") in ("0x", ""):
            out["to"] = None
        out["chainId"] = qty(self.chain_id)
        if "yParity" in out and "v" not in out:
            out["v"] = out["yParity"]
        return out

    def transaction(self, tx_hash):
        tx = self.pooled(tx_hash)
        if tx is not None:
            fee = {"gasPrice": qty(tx.gas_price)} if not hasattr(tx, "max_fee_per_gas") else {
                "maxFeePerGas": qty(tx.max_fee_per_gas), "maxPriorityFeePerGas": qty(tx.max_priority_fee_per_gas),
                "gasPrice": qty(tx.max_fee_per_gas)}
            return {"hash": data_hex(tx.hash), "nonce": qty(tx.nonce), "blockHash": None, "blockNumber": None,
                    "transactionIndex": None, "from": data_hex(tx.sender), "to": data_hex(tx.to) if tx.to else None,
                    "value": qty(tx.value), "gas": qty(tx.gas), "input": data_hex(tx.data),
                    "type": qty(getattr(tx, "type_id", None) or 0), "chainId": qty(self.chain_id), **fee}
        try:
            return self.tx_json(to_json(self.backend.get_transaction_by_hash(tx_hash)))
        except Exception:  # noqa: BLE001
            return None

    def receipt(self, tx_hash):
        try:
            raw = self.backend.get_transaction_receipt(tx_hash)
        except Exception:  # noqa: BLE001
            return None
        if raw["block_number"] is None or raw["block_number"] > self.head().block_number:
            return None
        receipt = to_json(raw)
        receipt.pop("stateRoot", None)
        tx = self.backend.get_transaction_by_hash(tx_hash)
        receipt["from"] = data_hex(tx["from"])
        receipt["to"] = data_hex(tx["to"]) if tx["to"] else None
        receipt["logsBloom"] = receipt.get("logsBloom") or data_hex(bytes(256))
        for log in receipt["logs"]:
            log.pop("type", None)
            log["removed"] = False
            log["transactionHash"] = receipt["transactionHash"]
            log["blockHash"] = receipt["blockHash"]
            log["blockNumber"] = receipt["blockNumber"]
        return receipt

    def logs(self, flt):
        if not isinstance(flt, dict):
            raise RpcError(-32602, "invalid argument 0: filter object expected")
        if "blockHash" in flt:
            block = self.chain.get_block_by_hash(parse_data(flt["blockHash"], "blockHash", 32))
            first = last = block.number
        else:
            first, _ = self.block_number(flt.get("fromBlock", "latest"))
            last, _ = self.block_number(flt.get("toBlock", "latest"))
        addresses = flt.get("address")
        if isinstance(addresses, str):
            addresses = [addresses]
        addresses = {a.lower() for a in addresses} if addresses else None
        topics = flt.get("topics") or []
        out = []
        for number in range(first, last + 1):
            block = self.chain.get_canonical_block_by_number(number)
            for tx in block.transactions:
                receipt = self.receipt(tx.hash)
                for log in receipt["logs"]:
                    if addresses and log["address"].lower() not in addresses:
                        continue
                    if not _topics_match(log["topics"], topics):
                        continue
                    out.append(log)
        return out

    def fee_history(self, count, newest, percentiles):
        count = min(parse_qty(count, "block count"), 1024)
        last, _ = self.block_number(newest)
        first = max(0, last - count + 1)
        headers = [self.chain.get_canonical_block_header_by_number(n) for n in range(first, last + 1)]
        result = {
            "oldestBlock": qty(first),
            "baseFeePerGas": [qty(h.base_fee_per_gas) for h in headers] + [qty(self.base_fee())],
            "gasUsedRatio": [h.gas_used / h.gas_limit for h in headers],
        }
        if percentiles:
            result["reward"] = [[qty(self.priority_fee())] * len(percentiles) for _ in headers]
        return result

    def priority_fee(self):
        return 0 if self.besu else 10**9

    def gas_price(self):
        return self.base_fee() + self.priority_fee()

    # ------------------------------------------------------------ snapshots

    def snapshot(self):
        with self.lock:
            ident = len(self.snapshots) + 1
            self.snapshots[ident] = self.backend.take_snapshot()
            return qty(ident)

    def revert(self, ident):
        with self.lock:
            ident = parse_qty(ident, "snapshot id")
            if ident not in self.snapshots:
                return False
            self.backend.revert_to_snapshot(self.snapshots[ident])
            for later in [k for k in self.snapshots if k >= ident]:
                del self.snapshots[later]
            self.pool.clear()
            return True


def _topics_match(log_topics, wanted):
    if len(wanted) > len(log_topics):
        return False
    for want, have in zip(wanted, log_topics):
        if want is None:
            continue
        options = [want] if isinstance(want, str) else want
        if have.lower() not in {o.lower() for o in options}:
            return False
    return True
