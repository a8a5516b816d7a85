import CSecp256k1

/// The one libsecp256k1 context of the process: created and randomised once, then only read.
///
/// libsecp256k1 documents a context as safe to use from several threads at once for every call that
/// takes it as `const` (signing, verification, key derivation, recovery), which are the only calls
/// made after creation; hence `@unchecked Sendable`.
final class Secp256k1Context: @unchecked Sendable {
    static let shared = Secp256k1Context()

    let pointer: OpaquePointer

    private init() {
        guard let context = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE)) else {
            fatalError("libsecp256k1 could not allocate a context (out of memory)")
        }
        var seed = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in seed.indices { seed[index] = generator.next() }
        // Randomisation only hardens against side channels; its result does not affect correctness.
        _ = secp256k1_context_randomize(context, seed)
        pointer = context
    }
}
