import ChainClient

/// Whether `error` is a `ChainClientError` of `group`: what `#expect(throws:)` of a whole group checks.
func isChainClientError(_ error: any Error, _ group: ChainClientError.Code.Group) -> Bool {
    (error as? ChainClientError)?.code.group == group
}
