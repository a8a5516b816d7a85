# pragma version ~=0.4.3
"""
@title Two-step ownership
@notice The owner (the utility) hands the contract over in two steps: the
        current owner names a pending owner, and only that pending owner's
        acceptance moves ownership. A mistyped address therefore never takes
        the contract. Modelled on snekmate's `ownable_2step`.
"""

# @dev The current owner.
owner: public(address)

# @dev The address that may accept ownership, or the zero address.
pending_owner: public(address)


event OwnershipTransferStarted:
    previous_owner: indexed(address)
    new_owner: indexed(address)


event OwnershipTransferred:
    previous_owner: indexed(address)
    new_owner: indexed(address)


@deploy
@payable
def __init__():
    self._transfer_ownership(msg.sender)


@external
def transfer_ownership(new_owner: address):
    """
    @notice Names `new_owner` as pending owner; ownership moves when it calls
            `accept_ownership`. Naming the zero address cancels a pending transfer.
    @param new_owner The address that may accept ownership.
    """
    self._check_owner()
    self.pending_owner = new_owner
    log OwnershipTransferStarted(previous_owner=self.owner, new_owner=new_owner)


@external
def accept_ownership():
    """
    @notice Completes a transfer started by `transfer_ownership`; only the
            pending owner may call it.
    """
    assert msg.sender == self.pending_owner, "ownable_2step: caller is not the new owner"
    self._transfer_ownership(msg.sender)


@internal
@view
def _check_owner():
    assert msg.sender == self.owner, "ownable_2step: caller is not the owner"


@internal
def _transfer_ownership(new_owner: address):
    self.pending_owner = empty(address)
    old_owner: address = self.owner
    self.owner = new_owner
    log OwnershipTransferred(previous_owner=old_owner, new_owner=new_owner)
