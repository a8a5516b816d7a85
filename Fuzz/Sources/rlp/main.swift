// RLP and the signed transactions made of it. Properties: the decoder accepts only canonical RLP, so an
// accepted input encodes back to exactly its bytes; a decoded transaction re-signs nothing but keeps
// its raw bytes and a sender recovered from them.
@testable import ChainClient
import FuzzSupport

fuzz { bytes in
    if let item = try? RLP.decode(bytes) {
        check(item.encoded == bytes, "RLP did not encode back to the accepted input")
    }
    if let transaction = try? TransactionDecoder.decode(bytes) {
        check(transaction.raw == bytes, "the decoded transaction's raw bytes are not the input")
        check(transaction.hash.count == 32, "a transaction hash is not 32 bytes")
    }
}
