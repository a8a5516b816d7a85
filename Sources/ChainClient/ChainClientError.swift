/// Everything that can go wrong in ChainClient: a JSON-RPC call (which endpoint, which method, what
/// happened), the transaction sender, key material and signatures, ABI, RLP, hex and JSON data, V3
/// keystores, raw transactions read back, the agreement contract's calls and answers, state files.
/// `code` says what failed and its `group` how a caller goes on; `description` names the fix where a
/// person must act.
public struct ChainClientError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        // MARK: a call that did not reach a working node (group .transport: another endpoint may do better)

        /// A setting the transport cannot use: the URL, the CA file, the proxy.
        case badSetting(String)
        /// The node's host name did not resolve, or not within the connect timeout.
        case nameResolution(String)
        /// No TCP connection to the node, or to the proxy in front of it.
        case connection(String)
        /// The TLS handshake or the certificate check failed; OpenSSL's reason in words.
        case tls(String)
        /// The proxy failed or refused.
        case proxy(String)
        /// The answer broke off, or is not valid HTTP.
        case brokenAnswer(String)
        /// Anything else the transport reports, in its words.
        case unreachable(String)
        case timedOut(seconds: Double)
        case httpStatus(Int)
        case responseTooLarge(limit: Int)
        /// The body is not a JSON-RPC response, or the result is not of the expected shape.
        case malformed(String)

        // MARK: the node's answer (group .node: final, another node would say the same)

        /// The node answered with a JSON-RPC error object.
        case node(code: Int, message: String, data: [UInt8]?)

        // MARK: the transaction sender refused or failed to send (group .sender)

        /// The node serves another chain than the configured one (`ChainIdentityCheck`): meterd signs nothing for it.
        case wrongChain(url: String, expected: UInt64, actual: UInt64)
        case waiting(WaitReason)
        /// eth_estimateGas says the call reverts, and the contract does not already have it.
        case wouldRevert(TransactionIntent, reason: String)
        /// The node refused the transaction for a reason meterd cannot fix by itself (e.g. insufficient
        /// funds); the node's answer is the nested error.
        indirect case rejected(TransactionIntent, ChainClientError)
        case signing(String)

        // MARK: key material and signatures (group .key)

        case invalidPrivateKey
        case invalidLength(what: String, expected: Int, actual: Int)
        case invalidSignature
        case recoveryFailed
        case invalidAddress(String)
        case badAddressChecksum(String)

        // MARK: ABI values that cannot be encoded, ABI data that cannot be decoded (group .abi)

        case unknownType(String)
        case valueDoesNotMatchType(type: String, value: String)
        case valueOutOfRange(type: String, value: String)
        case truncated(type: String, offset: Int, needed: Int, available: Int)
        case badPadding(type: String, offset: Int)
        case offsetOutOfBounds(type: String, offset: Int)
        case lengthTooLarge(type: String, length: Int)
        case invalidUTF8(offset: Int)

        // MARK: RLP data that is not canonical (group .rlp)

        case rlpTruncated
        case rlpTrailingBytes(Int)
        case rlpNonCanonicalSize
        case rlpSingleByteEncodedAsString
        case rlpLeadingZeroInInteger
        case rlpIntegerTooLarge(bits: Int)
        case rlpExpected(String)

        // MARK: hex text (group .hex)

        case oddHexLength(Int)
        case invalidHexCharacter(Character)

        // MARK: JSON text (group .json)

        case malformedJSON(offset: Int, reason: String)

        // MARK: a V3 keystore (group .keystore)

        case keystoreNotJSON(String)
        case keystoreVersion(Int)
        case keystoreUnsupported(String)
        case keystoreField(String)
        case scryptTooExpensive(n: UInt64, r: UInt64, p: UInt64, bytes: UInt64)
        case pbkdf2TooExpensive(UInt64)
        case wrongPassword
        case keystoreAddressMismatch(stated: String, actual: String)
        /// OpenSSL or libsodium failed, or the decrypted key is not a key; in its words.
        case keystoreCrypto(String)

        // MARK: a raw signed transaction read back (group .transaction)

        indirect case transactionNotRLP(ChainClientError)
        case unsupportedTransactionType(UInt8)
        case wrongFieldCount(Int)
        case notReplayProtected
        case contractCreation
        indirect case invalidTransactionSignature(ChainClientError)

        // MARK: the agreement contract's calls and answers (group .agreement)

        case batchSize(Int)
        case journalHeadSize(Int)
        /// The contract's answer to `function` does not decode.
        indirect case undecodable(function: String, ChainClientError)
        /// A node's eth_getLogs answer that cannot be this agreement's batches: the node is faulty or hostile.
        case faultyLogs(String)

        // MARK: a state file (group .state)

        case stateFile(path: String, operation: String, reason: String)

        /// How a caller goes on after an error with this code.
        public enum Group: Sendable, Equatable {
            /// The node was not reached or answered nonsense: another endpoint may do better.
            case transport
            /// The node refused the request: final, another node would say the same.
            case node
            /// The sender refused or failed to send a transaction (wrong chain, waiting, a revert, a refusal, signing).
            case sender
            /// Key material or a signature is not valid.
            case key
            case abi
            case rlp
            case hex
            case json
            case keystore
            /// A raw transaction read back is not one meterd signs.
            case transaction
            /// A call to the agreement contract cannot be made as asked, or its answer is not the contract's.
            case agreement
            /// A state file cannot be read or written.
            case state
        }

        public var group: Group {
            switch self {
            case .badSetting, .nameResolution, .connection, .tls, .proxy, .brokenAnswer, .unreachable, .timedOut, .httpStatus,
                 .responseTooLarge, .malformed:
                return .transport
            case .node: return .node
            case .wrongChain, .waiting, .wouldRevert, .rejected, .signing: return .sender
            case .invalidPrivateKey, .invalidLength, .invalidSignature, .recoveryFailed, .invalidAddress, .badAddressChecksum: return .key
            case .unknownType, .valueDoesNotMatchType, .valueOutOfRange, .truncated, .badPadding, .offsetOutOfBounds, .lengthTooLarge,
                 .invalidUTF8:
                return .abi
            case .rlpTruncated, .rlpTrailingBytes, .rlpNonCanonicalSize, .rlpSingleByteEncodedAsString, .rlpLeadingZeroInInteger,
                 .rlpIntegerTooLarge, .rlpExpected:
                return .rlp
            case .oddHexLength, .invalidHexCharacter: return .hex
            case .malformedJSON: return .json
            case .keystoreNotJSON, .keystoreVersion, .keystoreUnsupported, .keystoreField, .scryptTooExpensive, .pbkdf2TooExpensive,
                 .wrongPassword, .keystoreAddressMismatch, .keystoreCrypto:
                return .keystore
            case .transactionNotRLP, .unsupportedTransactionType, .wrongFieldCount, .notReplayProtected, .contractCreation,
                 .invalidTransactionSignature:
                return .transaction
            case .batchSize, .journalHeadSize, .undecodable, .faultyLogs: return .agreement
            case .stateFile: return .state
            }
        }
    }

    public let code: Code
    /// The endpoint of the JSON-RPC call that failed (nil for an error not tied to a call).
    public let url: String?
    /// The method of the JSON-RPC call that failed (nil for an error not tied to a call).
    let method: String?

    init(_ code: Code, url: String? = nil, method: String? = nil) {
        self.code = code
        self.url = url
        self.method = method
    }

    /// This error as the failure of `method` at `url`.
    func during(_ method: String, at url: String) -> ChainClientError { ChainClientError(code, url: url, method: method) }

    // MARK: classification

    /// Whether a JSON-RPC call failed (the node was not reached, answered nonsense or refused the request),
    /// not the sender, key material or data.
    public var isCallFailure: Bool { code.group == .transport || code.group == .node }

    /// Whether another endpoint may do better: the node was not reached or answered nonsense.
    var isTransportFailure: Bool { code.group == .transport }

    /// The message of the node's JSON-RPC error object.
    var nodeMessage: String? {
        if case .node(_, let message, _) = code { return message }
        return nil
    }

    /// The revert reason of an `eth_call`/`eth_estimateGas` that reverted (geth's code 3 answer).
    var revertReason: String? {
        guard case .node(let code, let message, let data) = code else { return nil }
        guard code == 3 || message.hasPrefix("execution reverted") else { return nil }
        if let data, let reason = RevertReason.decode(data) { return reason }
        if let colon = message.firstRange(of: "execution reverted: ") { return String(message[colon.upperBound...]) }
        return ""
    }

    // MARK: description

    public var description: String {
        let place = "\(method ?? "a JSON-RPC call") at \(url ?? "an endpoint")"
        switch code {
        case .badSetting(let reason):
            return "\(place): cannot be used as configured (\(reason)); check [chain] rpc_urls, ca_file and proxy"
        case .nameResolution(let reason):
            return "\(place): cannot resolve the node's host name (\(reason)); check the host in [chain] rpc_urls and the site's DNS (/etc/resolv.conf)"
        case .connection(let reason):
            return "\(place): cannot connect (\(reason)); check the URL in [chain] rpc_urls, the proxy if one is set ([chain] proxy, https_proxy, http_proxy), the network and that the node runs"
        case .tls(let reason):
            return "\(place): TLS failed (\(reason)); check the node's certificate and its name, the system clock, and [chain] ca_file for a private network's CA"
        case .proxy(let reason):
            return "\(place): the proxy failed (\(reason)); check [chain] proxy (or https_proxy, http_proxy, no_proxy) and its credentials"
        case .brokenAnswer(let reason):
            return "\(place): the node's HTTP answer is broken (\(reason)); the node, or something on the path to it, is misbehaving"
        case .unreachable(let reason):
            return "\(place): cannot reach the node (\(reason)); check the URL in [chain] rpc_urls, the network and the node"
        case .timedOut(let seconds):
            return "\(place): no complete answer within \(seconds) s; the node is slow or overloaded (raise [chain] request_timeout_ms, or add another rpc_urls entry)"
        case .httpStatus(let status):
            let redirect = (300..<400).contains(status) ? " (a redirect: meterd follows none, so write the final URL)" : ""
            return "\(place): HTTP status \(status)\(redirect); the endpoint is not a working JSON-RPC node (check the URL, its path and any API key)"
        case .responseTooLarge(let limit):
            return "\(place): the answer exceeds \(limit) bytes and was cut off; the node is misbehaving (or raise [chain] max_response_bytes)"
        case .malformed(let reason):
            return "\(place): not a valid JSON-RPC answer (\(reason)); the endpoint is not an Ethereum node or is misbehaving"
        case .node(let code, let message, _):
            return "\(place): the node refused the request (\(code): \(message))"

        case .wrongChain(let url, let expected, let actual):
            return "\(url) serves chain id " + ChainIdentityCheck.mismatch(served: actual, expected: expected)
        case .waiting(let reason): return reason.description
        case .wouldRevert(let intent, let reason):
            return "\(intent) would revert: \(reason.isEmpty ? "no reason given" : reason)"
        case .rejected(let intent, let error):
            var text = "\(intent) was refused: \(error)"
            if error.nodeMessage?.contains("insufficient funds") == true { text += "; fund the device address" }
            return text
        case .signing(let reason): return "signing failed: \(reason)"

        case .invalidPrivateKey:
            return "the private key is not a valid secp256k1 key (zero or not below the curve order)"
        case .invalidLength(let what, let expected, let actual):
            return "\(what) must be \(expected) bytes, got \(actual)"
        case .invalidSignature:
            return "the signature is not a valid recoverable secp256k1 signature (r, s out of range or v not 0/1/27/28)"
        case .recoveryFailed:
            return "no public key can be recovered from this signature and digest"
        case .invalidAddress(let text):
            return "'\(text)' is not an Ethereum address (0x followed by 40 hex digits)"
        case .badAddressChecksum(let text):
            return "'\(text)' has mixed case but its EIP-55 checksum is wrong: check for a typo"

        case .unknownType(let text): return "'\(text)' is not an ABI type meterd knows"
        case .valueDoesNotMatchType(let type, let value): return "the value \(value) is not a \(type)"
        case .valueOutOfRange(let type, let value): return "the value \(value) does not fit in \(type)"
        case .truncated(let type, let offset, let needed, let available):
            return "ABI data ends inside a \(type) at byte \(offset): \(needed) bytes needed, \(available) there"
        case .badPadding(let type, let offset): return "ABI \(type) at byte \(offset) has non-zero padding or bits beyond its width"
        case .offsetOutOfBounds(let type, let offset): return "ABI \(type) points at byte \(offset), outside the data"
        case .lengthTooLarge(let type, let length): return "ABI \(type) claims \(length) elements, more than the data can hold"
        case .invalidUTF8(let offset): return "ABI string at byte \(offset) is not UTF-8"

        case .rlpTruncated: return "RLP data ends inside an item"
        case .rlpTrailingBytes(let count): return "RLP data has \(count) bytes after its item"
        case .rlpNonCanonicalSize: return "RLP length prefix is not in its shortest form"
        case .rlpSingleByteEncodedAsString: return "RLP encodes a single byte below 0x80 as a string"
        case .rlpLeadingZeroInInteger: return "RLP integer has a leading zero byte"
        case .rlpIntegerTooLarge(let bits): return "RLP integer does not fit in \(bits) bits"
        case .rlpExpected(let what): return "RLP item is not \(what)"

        case .oddHexLength(let count): return "hex text has an odd number of digits (\(count))"
        case .invalidHexCharacter(let character): return "'\(character)' is not a hex digit"

        case .malformedJSON(let offset, let reason): return "malformed JSON at byte \(offset): \(reason)"

        case .keystoreNotJSON(let why): return "not a JSON keystore: \(why)"
        case .keystoreVersion(let version): return "keystore version \(version) is not supported (only version 3)"
        case .keystoreUnsupported(let what): return "unsupported keystore: \(what)"
        case .keystoreField(let what): return "malformed keystore: \(what)"
        case .scryptTooExpensive(let n, let r, let p, let bytes):
            return "the keystore's scrypt parameters (n=\(n), r=\(r), p=\(p)) need \(bytes >> 20) MiB, over meterd's limit of \(KeystoreV3.maxScryptMemory >> 20) MiB; re-export the key with standard parameters (geth: n=262144, r=8, p=1)"
        case .pbkdf2TooExpensive(let rounds):
            return "the keystore asks for \(rounds) PBKDF2 rounds, over meterd's limit of \(KeystoreV3.maxPBKDF2Iterations); re-export it with fewer"
        case .wrongPassword: return "wrong password: the keystore's MAC does not match"
        case .keystoreAddressMismatch(let stated, let actual):
            return "the keystore says it holds \(stated) but its key is \(actual); the file was altered or assembled wrongly"
        case .keystoreCrypto(let why): return why

        case .transactionNotRLP(let error): return "the transaction is not valid RLP: \(error)"
        case .unsupportedTransactionType(let type): return "transaction type \(type) is neither legacy nor EIP-1559"
        case .wrongFieldCount(let count): return "the transaction has \(count) fields"
        case .notReplayProtected: return "the legacy transaction carries no EIP-155 chain id"
        case .contractCreation: return "the transaction creates a contract; meterd only calls one"
        case .invalidTransactionSignature(let error): return "the transaction's signature is invalid: \(error)"

        case .batchSize(let count): return "a batch holds 1 to \(AgreementBinding.maximumBatchSlots) slots, not \(count)"
        case .journalHeadSize(let count): return "a journal head is 32 bytes, not \(count)"
        case .undecodable(let function, let error): return "the contract's answer to \(function) cannot be decoded: \(error)"
        case .faultyLogs(let description): return description

        case .stateFile(let path, let operation, let reason):
            return "\(operation) \(path) failed: \(reason); check that the state directory exists, is writable by the service user and is not full"
        }
    }
}

// MARK: factories, so that throw sites read `throw .badPadding(type: "bool", offset: 0)`

extension ChainClientError {
    static func badSetting(_ reason: String) -> Self { Self(.badSetting(reason)) }
    static func nameResolution(_ reason: String) -> Self { Self(.nameResolution(reason)) }
    static func connection(_ reason: String) -> Self { Self(.connection(reason)) }
    static func tls(_ reason: String) -> Self { Self(.tls(reason)) }
    static func proxy(_ reason: String) -> Self { Self(.proxy(reason)) }
    static func brokenAnswer(_ reason: String) -> Self { Self(.brokenAnswer(reason)) }
    static func unreachable(_ reason: String) -> Self { Self(.unreachable(reason)) }
    static func timedOut(seconds: Double) -> Self { Self(.timedOut(seconds: seconds)) }
    static func httpStatus(_ status: Int) -> Self { Self(.httpStatus(status)) }
    static func responseTooLarge(limit: Int) -> Self { Self(.responseTooLarge(limit: limit)) }
    static func malformed(_ reason: String) -> Self { Self(.malformed(reason)) }
    static func node(code: Int, message: String, data: [UInt8]?) -> Self { Self(.node(code: code, message: message, data: data)) }

    static func wrongChain(url: String, expected: UInt64, actual: UInt64) -> Self {
        Self(.wrongChain(url: url, expected: expected, actual: actual))
    }
    static func waiting(_ reason: WaitReason) -> Self { Self(.waiting(reason)) }
    static func wouldRevert(_ intent: TransactionIntent, reason: String) -> Self { Self(.wouldRevert(intent, reason: reason)) }
    static func rejected(_ intent: TransactionIntent, _ error: ChainClientError) -> Self { Self(.rejected(intent, error)) }
    static func signing(_ reason: String) -> Self { Self(.signing(reason)) }

    static var invalidPrivateKey: Self { Self(.invalidPrivateKey) }
    static func invalidLength(what: String, expected: Int, actual: Int) -> Self {
        Self(.invalidLength(what: what, expected: expected, actual: actual))
    }
    static var invalidSignature: Self { Self(.invalidSignature) }
    static var recoveryFailed: Self { Self(.recoveryFailed) }
    static func invalidAddress(_ text: String) -> Self { Self(.invalidAddress(text)) }
    static func badAddressChecksum(_ text: String) -> Self { Self(.badAddressChecksum(text)) }

    static func unknownType(_ text: String) -> Self { Self(.unknownType(text)) }
    static func valueDoesNotMatchType(type: String, value: String) -> Self { Self(.valueDoesNotMatchType(type: type, value: value)) }
    static func valueOutOfRange(type: String, value: String) -> Self { Self(.valueOutOfRange(type: type, value: value)) }
    static func truncated(type: String, offset: Int, needed: Int, available: Int) -> Self {
        Self(.truncated(type: type, offset: offset, needed: needed, available: available))
    }
    static func badPadding(type: String, offset: Int) -> Self { Self(.badPadding(type: type, offset: offset)) }
    static func offsetOutOfBounds(type: String, offset: Int) -> Self { Self(.offsetOutOfBounds(type: type, offset: offset)) }
    static func lengthTooLarge(type: String, length: Int) -> Self { Self(.lengthTooLarge(type: type, length: length)) }
    static func invalidUTF8(offset: Int) -> Self { Self(.invalidUTF8(offset: offset)) }

    static var rlpTruncated: Self { Self(.rlpTruncated) }
    static func rlpTrailingBytes(_ count: Int) -> Self { Self(.rlpTrailingBytes(count)) }
    static var rlpNonCanonicalSize: Self { Self(.rlpNonCanonicalSize) }
    static var rlpSingleByteEncodedAsString: Self { Self(.rlpSingleByteEncodedAsString) }
    static var rlpLeadingZeroInInteger: Self { Self(.rlpLeadingZeroInInteger) }
    static func rlpIntegerTooLarge(bits: Int) -> Self { Self(.rlpIntegerTooLarge(bits: bits)) }
    static func rlpExpected(_ what: String) -> Self { Self(.rlpExpected(what)) }

    static func oddHexLength(_ count: Int) -> Self { Self(.oddHexLength(count)) }
    static func invalidHexCharacter(_ character: Character) -> Self { Self(.invalidHexCharacter(character)) }

    static func malformedJSON(offset: Int, reason: String) -> Self { Self(.malformedJSON(offset: offset, reason: reason)) }

    static func keystoreNotJSON(_ why: String) -> Self { Self(.keystoreNotJSON(why)) }
    static func keystoreVersion(_ version: Int) -> Self { Self(.keystoreVersion(version)) }
    static func keystoreUnsupported(_ what: String) -> Self { Self(.keystoreUnsupported(what)) }
    static func keystoreField(_ what: String) -> Self { Self(.keystoreField(what)) }
    static func scryptTooExpensive(n: UInt64, r: UInt64, p: UInt64, bytes: UInt64) -> Self {
        Self(.scryptTooExpensive(n: n, r: r, p: p, bytes: bytes))
    }
    static func pbkdf2TooExpensive(_ rounds: UInt64) -> Self { Self(.pbkdf2TooExpensive(rounds)) }
    static var wrongPassword: Self { Self(.wrongPassword) }
    static func keystoreAddressMismatch(stated: String, actual: String) -> Self { Self(.keystoreAddressMismatch(stated: stated, actual: actual)) }
    static func keystoreCrypto(_ why: String) -> Self { Self(.keystoreCrypto(why)) }

    static func transactionNotRLP(_ error: ChainClientError) -> Self { Self(.transactionNotRLP(error)) }
    static func unsupportedTransactionType(_ type: UInt8) -> Self { Self(.unsupportedTransactionType(type)) }
    static func wrongFieldCount(_ count: Int) -> Self { Self(.wrongFieldCount(count)) }
    static var notReplayProtected: Self { Self(.notReplayProtected) }
    static var contractCreation: Self { Self(.contractCreation) }
    static func invalidTransactionSignature(_ error: ChainClientError) -> Self { Self(.invalidTransactionSignature(error)) }

    static func batchSize(_ count: Int) -> Self { Self(.batchSize(count)) }
    static func journalHeadSize(_ count: Int) -> Self { Self(.journalHeadSize(count)) }
    static func undecodable(function: String, _ error: ChainClientError) -> Self { Self(.undecodable(function: function, error)) }
    static func faultyLogs(_ description: String) -> Self { Self(.faultyLogs(description)) }

    static func stateFile(path: String, operation: String, reason: String) -> Self {
        Self(.stateFile(path: path, operation: operation, reason: reason))
    }
}
