"""The committed build is what the pinned compiler makes of the source, and the terms
store's address derivation holds at every RLP length of the CREATE nonce."""

import pytest

from contracts import compile as build_tool
from contracts.packing import pack_profile
from contracts.tests.conftest import PROFILE
from contracts.tests.util import events, reverts, submit, transact


def test_committed_build_matches_a_fresh_compile():
    fresh = build_tool.render(build_tool.build())
    committed = build_tool.BUILD.read_text()
    assert fresh == committed, "contracts/build/Agreements.json is stale: run .venv/bin/python -m contracts.compile"
    record = build_tool.load()
    assert (record["compiler"], record["evm_version"], record["codegen"]) == ("vyper 0.4.3", "london", "venom")
    assert set(record) >= {"abi", "bytecode", "bytecode_runtime", "compiler", "evm_version"}


def test_contract_runs_on_a_london_evm():
    # A chain whose only fork is London: a PUSH0 (Shanghai) or any later opcode in the
    # bytecode would end these calls with an invalid-instruction error.
    from eth.vm.forks import LondonVM
    from eth_tester import EthereumTester, PyEVMBackend
    from web3 import Web3
    from web3.providers.eth_tester import EthereumTesterProvider

    from contracts.testchain import deploy

    tester = EthereumTester(PyEVMBackend(vm_configuration=((0, LondonVM),)))
    w3 = Web3(EthereumTesterProvider(tester))
    owner, consumer, device = w3.eth.accounts[:3]
    c = deploy(w3, owner)
    now = w3.eth.get_block("latest").timestamp
    transact(c.functions.propose_agreement(consumer, device, now - 96 * 900, 900, 96, pack_profile(PROFILE), 100, 1, 1, 0, 0, 0, 0), owner)
    transact(c.functions.accept_agreement(0), consumer)
    receipt = submit(c, device, 0, 1, 0, [lo for lo, _ in PROFILE])
    assert events(c, receipt, "BatchSubmitted")[0]["violations"] == 0
    transact(c.functions.close_period(0), owner)
    transact(c.functions.order_cutoff(0, "test"), owner)
    assert c.functions.credit(0).call() == 100  # the closed period's credit


def _force_nonce(env, nonce):
    """Sets the contract's account nonce and its own copy of it, as if `nonce - 1`
    stores had been created already."""
    slot = build_tool.load()["storage_layout"]["_create_nonce"]["slot"]
    chain = env.tester.backend.chain
    state = chain.get_vm().state
    address = bytes.fromhex(env.c.address[2:])
    state.set_nonce(address, nonce)
    state.set_storage(address, slot, nonce)
    state.persist()
    chain.header = chain.header.copy(state_root=state.state_root)
    env.tester.mine_blocks(1)  # so that calls at "latest" see it too


@pytest.mark.parametrize("nonce", [127, 128, 255, 256, 65535, 65536, 2**24 - 1])
def test_terms_store_address_follows_from_the_create_nonce(env, nonce):
    _force_nonce(env, nonce)
    aid, receipt = env.create()
    store = events(env.c, receipt, "AgreementProposed")[0]["terms_store"]
    assert env.w3.eth.get_code(store) != b""
    assert env.state(aid)["terms_store"] == store
    submit(env.c, env.device, aid, 1, 0, [lo for lo, _ in PROFILE[:8]])
    assert env.state(aid)["next_slot"] == 8


def test_store_nonces_run_out_cleanly(env):
    _force_nonce(env, 2**24)
    fn = env.c.functions.propose_agreement(env.consumer, env.device, env.start, 900, 96, pack_profile(PROFILE), 1, 1, 1, 1, 0, 0, 0)
    reverts(fn, env.owner, "agreements: store nonces exhausted")
