/// The contract's cutoff state for this site, read at a confirmed block: the truth remote commands act on.
///
/// Events (CutoffOrdered, ReconnectionAllowed) only tell the watcher when to read it. A state read at
/// a block no newer than one already applied is ignored, so a replayed, reorganised or out-of-order
/// event can never actuate the relay.
public struct ContractCutoffState: Sendable, Equatable, CustomStringConvertible {
    public var block: UInt64
    /// The contract's `control_state`: 0 disconnected, 1 connected, 2 ready for reconnection.
    public var state: DisconnectControlState

    public init(block: UInt64, state: DisconnectControlState) {
        self.block = block
        self.state = state
    }

    public var description: String { "contract state \(state) at block \(block)" }
}
