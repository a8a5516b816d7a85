import ChainClient

/// The device key changes at this point of the chain. Both keys sign the record before it (its
/// sequence and chain hash, `headHash`), so the old key hands over everything up to here and the
/// new key takes over from here: the checkpoints after it are the new key's.
struct KeyRotation: Sendable, Equatable {
    var headHash: [UInt8]
    var oldAddress: Address
    var newAddress: Address
    var oldSignature: [UInt8]
    var newSignature: [UInt8]

    init(headHash: [UInt8], oldAddress: Address, newAddress: Address, oldSignature: [UInt8], newSignature: [UInt8]) {
        self.headHash = headHash; self.oldAddress = oldAddress; self.newAddress = newAddress
        self.oldSignature = oldSignature; self.newSignature = newSignature
    }

    /// The rotation that follows `head`, signed by both keys.
    static func signed(after head: JournalHead, old: PrivateKey, new: PrivateKey) throws -> KeyRotation {
        let digest = digest(sequence: head.sequence, headHash: head.hash, old: old.address, new: new.address)
        return KeyRotation(headHash: head.hash, oldAddress: old.address, newAddress: new.address,
                           oldSignature: try old.sign(digest: digest).bytes, newSignature: try new.sign(digest: digest).bytes)
    }

    /// What both keys sign: a domain tag, the covered record's sequence and hash, and both addresses.
    static func digest(sequence: UInt64, headHash: [UInt8], old: Address, new: Address) -> [UInt8] {
        var out = ByteWriter()
        out.raw(Array("meterd key rotation v1".utf8))
        out.u64(sequence)
        out.raw(headHash)
        out.raw(old.bytes)
        out.raw(new.bytes)
        return Keccak256.hash(out.bytes)
    }

    /// Why the signatures do not hand the journal over, for the record at `sequence`; nil when both
    /// keys signed it.
    func signatureProblem(sequence: UInt64) -> String? {
        let digest = Self.digest(sequence: sequence &- 1, headHash: headHash, old: oldAddress, new: newAddress)
        for (role, address, signature) in [("old", oldAddress, oldSignature), ("new", newAddress, newSignature)] {
            let found = try? RecoverableSignature(bytes: signature).recoverAddress(digest: digest)
            if found != address {
                return "the \(role) key's signature is by \(found?.checksummed ?? "no valid key"), not \(address.checksummed)"
            }
        }
        return nil
    }
}
