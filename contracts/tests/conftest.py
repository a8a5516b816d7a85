import tempfile
from dataclasses import dataclass

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

# Hypothesis keeps its files out of the work tree (the property test uses no database).
set_hypothesis_home_dir(tempfile.mkdtemp(prefix="hypothesis-"))

from contracts.packing import pack_profile
from contracts.testchain import deploy, new_chain
from contracts.tests.util import transact

DAY = 86400
QUARTER = 900
PROFILE = [(1000 + 10 * i, 2000 + 10 * i) for i in range(96)]


@dataclass
class Env:
    w3: object
    tester: object
    c: object
    owner: str
    consumer: str
    device: str
    stranger: str
    other: str
    start: int

    def now(self):
        return self.w3.eth.get_block("latest").timestamp

    def travel(self, ts):
        """Mines a block at `ts` (or one second after the latest block, if later)."""
        self.tester.time_travel(max(ts, self.now() + 1))

    def propose(self, profile=PROFILE, slots_per_period=96 * 2, bonus=1_000_000, penalty=1_000,
                emergency=50_000, grace=3600, allowance=0, device=None, consumer=None,
                slot_seconds=QUARTER, period_start=None, tolerance=0, notice=DAY):
        """Proposes an agreement; returns (id, receipt). Nothing is active until accepted."""
        fn = self.c.functions.propose_agreement(
            consumer or self.consumer, device or self.device,
            self.start if period_start is None else period_start, slot_seconds,
            slots_per_period, pack_profile(profile), bonus, penalty, emergency, grace, allowance, tolerance, notice,
        )
        receipt = transact(fn, self.owner)
        return self.c.functions.agreement_count().call() - 1, receipt

    def create(self, **terms):
        """Proposes an agreement and has its consumer accept it; returns (id, proposal receipt)."""
        aid, receipt = self.propose(**terms)
        transact(self.c.functions.accept_agreement(aid), terms.get("consumer") or self.consumer)
        return aid, receipt

    def poke_run(self, agreement_id, update):
        """Rewrites an agreement's packed state word in storage: update(old) -> new.
        Only for reaching field limits that would take years of transactions."""
        from eth_utils import keccak

        from contracts.compile import load

        slot = load()["storage_layout"]["_run"]["slot"]
        key = int.from_bytes(keccak(slot.to_bytes(32, "big") + agreement_id.to_bytes(32, "big")), "big")
        chain = self.tester.backend.chain
        state = chain.get_vm().state
        address = bytes.fromhex(self.c.address[2:])
        state.set_storage(address, key, update(state.get_storage(address, key)))
        state.persist()
        chain.header = chain.header.copy(state_root=state.state_root)
        self.tester.mine_blocks(1)

    def agreement(self, agreement_id):
        return self.c.functions.agreement(agreement_id).call()

    def state(self, agreement_id):
        """The running-state part of `agreement` as a dict."""
        a = self.agreement(agreement_id)
        names = [o["name"] for o in self.c.get_function_by_name("agreement").abi["outputs"][0]["components"]]
        return dict(zip(names, a))


@pytest.fixture(scope="session")
def chain():
    w3, tester = new_chain()
    a = w3.eth.accounts
    c = deploy(w3, a[0])
    # Period 0 of the default agreement started two days ago: slots 0..191 are over.
    start = w3.eth.get_block("latest").timestamp - 2 * DAY
    return Env(w3, tester, c, a[0], a[1], a[2], a[3], a[4], start)


@pytest.fixture
def env(chain):
    snapshot = chain.tester.take_snapshot()
    try:
        yield chain
    finally:
        chain.tester.revert_to_snapshot(snapshot)
