# pragma version ~=0.4.3
"""
@title EIP-712 typed-data digests for this contract
@notice A party without ether signs a typed message off chain (any EIP-712
        wallet shows it field by field); another account submits it and the
        contract recovers the signer. The domain binds the signature to this
        contract on this chain.
"""

DOMAIN_TYPEHASH: constant(bytes32) = keccak256(
    "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
)
NAME_HASH: constant(bytes32) = keccak256("Agreements")
VERSION_HASH: constant(bytes32) = keccak256("1")


@internal
@view
def _domain_separator() -> bytes32:
    return keccak256(abi_encode(DOMAIN_TYPEHASH, NAME_HASH, VERSION_HASH, chain.id, self))


@internal
@view
def _signer(struct_hash: bytes32, v: uint8, r: bytes32, s: bytes32) -> address:
    """
    @dev The address whose key signed `struct_hash` under this contract's
         domain; the zero address for an invalid signature.
    """
    digest: bytes32 = keccak256(concat(b"\x19\x01", self._domain_separator(), struct_hash))
    return ecrecover(digest, v, r, s)
