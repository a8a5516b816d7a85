"""The words a node answers eth_sendRawTransaction with when it refuses a transaction, as geth
and as Besu say them, so meterd's handling is tested against what real nodes send.

geth (go-ethereum 1.14), code -32000 for every refusal:
  core/txpool/errors.go   ErrAlreadyKnown "already known", ErrReplaceUnderpriced
                          "replacement transaction underpriced"
  core/error.go           ErrNonceTooLow "nonce too low", ErrInsufficientFunds "insufficient funds
                          for gas * price + value", ErrIntrinsicGas "intrinsic gas too low",
                          ErrFeeCapTooLow "max fee per gas less than block base fee"
  core/txpool/validation.go  "exceeds block gas limit" (ErrGasLimit), "invalid chain id"
  internal/ethapi/api.go  "only replay-protected (EIP-155) transactions allowed over RPC"
  The pool checks a transaction's hash first (legacypool.add: "already known" before any
  validation), then the nonce against the state, then a pooled (sender, nonce) for replacement.
Besu (ethereum/api/.../jsonrpc/internal/response/RpcErrorType.java, mapped from
TransactionInvalidReason by JsonRpcErrorConverter):
  ETH_SEND_TX_ALREADY_KNOWN (-32000) "Known transaction", ETH_SEND_TX_REPLACEMENT_UNDERPRICED
  (-32000) "Replacement transaction underpriced", NONCE_TOO_LOW (-32001) "Nonce too low",
  INTRINSIC_GAS_EXCEEDS_LIMIT (-32003) "Intrinsic gas exceeds gas limit",
  TRANSACTION_UPFRONT_COST_EXCEEDS_BALANCE (-32004) "Upfront cost exceeds account balance",
  EXCEEDS_BLOCK_GAS_LIMIT (-32005) "Transaction gas limit exceeds block gas limit",
  GAS_PRICE_BELOW_CURRENT_BASE_FEE (-32009) "Gas price below current base fee",
  WRONG_CHAIN_ID (-32000) "Wrong chainId", REPLAY_PROTECTED_SIGNATURE_REQUIRED (-32000)
  "ChainId is required".
"""

GETH = {
    "already_known": (-32000, "already known"),
    "replacement_underpriced": (-32000, "replacement transaction underpriced"),
    "nonce_too_low": (-32000, "nonce too low"),
    "insufficient_funds": (-32000, "insufficient funds for gas * price + value"),
    "intrinsic_gas": (-32000, "intrinsic gas too low"),
    "block_gas_limit": (-32000, "exceeds block gas limit"),
    "below_base_fee": (-32000, "max fee per gas less than block base fee: maxFeePerGas: {fee_cap}, baseFee: {base_fee}"),
    "wrong_chain_id": (-32000, "invalid chain id {tx_chain_id}: this chain is {chain_id}"),
    "unprotected": (-32000, "only replay-protected (EIP-155) transactions allowed over RPC"),
}

BESU = {
    "already_known": (-32000, "Known transaction"),
    "replacement_underpriced": (-32000, "Replacement transaction underpriced"),
    "nonce_too_low": (-32001, "Nonce too low"),
    "insufficient_funds": (-32004, "Upfront cost exceeds account balance"),
    "intrinsic_gas": (-32003, "Intrinsic gas exceeds gas limit"),
    "block_gas_limit": (-32005, "Transaction gas limit exceeds block gas limit"),
    "below_base_fee": (-32009, "Gas price below current base fee"),
    "wrong_chain_id": (-32000, "Wrong chainId"),
    "unprotected": (-32000, "ChainId is required"),
}


def refusal(besu, reason, **details):
    """(code, message) of a refusal in the node's own words."""
    code, message = (BESU if besu else GETH)[reason]
    return code, message.format(**details)
