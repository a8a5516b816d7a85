# pragma version ~=0.4.3
"""
@title Pausable
@notice A global pause flag with its events; the contract using this module
        decides who may pause and which functions honour the flag.
        Modelled on snekmate's `pausable`.
"""

# @dev True while the contract is paused.
paused: public(bool)


event Paused:
    account: address


event Unpaused:
    account: address


@internal
@view
def _require_not_paused():
    assert not self.paused, "pausable: paused"


@internal
@view
def _require_paused():
    assert self.paused, "pausable: not paused"


@internal
def _pause():
    self._require_not_paused()
    self.paused = True
    log Paused(account=msg.sender)


@internal
def _unpause():
    self._require_paused()
    self.paused = False
    log Unpaused(account=msg.sender)
