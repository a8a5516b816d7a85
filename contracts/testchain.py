"""An in-process eth-tester chain with web3 for the contract tests and the gas benchmark."""

from eth_tester import EthereumTester, PyEVMBackend
from web3 import Web3
from web3.providers.eth_tester import EthereumTesterProvider

from .compile import load


def new_chain():
    """Returns (w3, tester) on a fresh Prague-rules chain with ten funded accounts."""
    tester = EthereumTester(PyEVMBackend())
    w3 = Web3(EthereumTesterProvider(tester))
    return w3, tester


def deploy(w3, owner, build=None):
    build = build or load()
    factory = w3.eth.contract(abi=build["abi"], bytecode=build["bytecode"])
    receipt = w3.eth.wait_for_transaction_receipt(factory.constructor().transact({"from": owner}))
    return w3.eth.contract(address=receipt.contractAddress, abi=build["abi"])
