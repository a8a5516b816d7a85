"""The consumer's EIP-712 acceptance of a proposal (what electro-admin prints to sign elsewhere
and what the contract's accept_agreement_signed recovers), shared by electro-admin and the tests."""


def typed_acceptance(chain_id, contract_address, agreement_id, terms_store):
    """The EIP-712 typed data of AcceptAgreement(uint256 agreementId, address termsStore): the terms
    store fixes every term of the proposal, its device included."""
    return {
        "types": {
            "EIP712Domain": [{"name": "name", "type": "string"}, {"name": "version", "type": "string"},
                             {"name": "chainId", "type": "uint256"}, {"name": "verifyingContract", "type": "address"}],
            "AcceptAgreement": [{"name": "agreementId", "type": "uint256"}, {"name": "termsStore", "type": "address"}],
        },
        "primaryType": "AcceptAgreement",
        "domain": {"name": "Agreements", "version": "1", "chainId": chain_id, "verifyingContract": contract_address},
        "message": {"agreementId": agreement_id, "termsStore": terms_store},
    }


def split_signature(signature):
    """(v, r, s) from a 65-byte r || s || v signature as wallets print it (v 27/28 or 0/1)."""
    raw = bytes.fromhex(signature.removeprefix("0x"))
    if len(raw) != 65:
        raise ValueError(f"a signature is 65 bytes (r, s, v), this one is {len(raw)}")
    v = raw[64] + 27 if raw[64] < 27 else raw[64]
    return v, raw[:32], raw[32:64]
