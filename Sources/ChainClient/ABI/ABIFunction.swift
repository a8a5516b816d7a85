/// A contract function: its canonical signature, selector, call encoding and result decoding.
struct ABIFunction: Sendable, Hashable {
    let name: String
    let inputs: [ABIType]
    let outputs: [ABIType]

    init(name: String, inputs: [ABIType], outputs: [ABIType] = []) {
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
    }

    /// `name(type1,type2)`, as hashed for the selector.
    var signature: String { "\(name)(" + inputs.map(\.description).joined(separator: ",") + ")" }

    /// The first four bytes of keccak-256 of the signature.
    var selector: [UInt8] { Array(Keccak256.hash(Array(signature.utf8)).prefix(4)) }

    func encodeCall(_ arguments: [ABIValue]) throws(ChainClientError) -> [UInt8] {
        selector + (try ABIEncoder.encode(arguments, as: inputs))
    }

    func decodeOutput(_ data: [UInt8]) throws(ChainClientError) -> [ABIValue] {
        try ABIDecoder.decode(data, as: outputs)
    }
}

/// A contract event: topic 0 is keccak-256 of its signature, indexed fields are topics 1…, the rest
/// is ABI-encoded data.
struct ABIEvent: Sendable, Hashable {
    struct Parameter: Sendable, Hashable {
        let type: ABIType
        let indexed: Bool
        init(_ type: ABIType, indexed: Bool = false) {
            self.type = type
            self.indexed = indexed
        }
    }

    let name: String
    let parameters: [Parameter]

    init(name: String, parameters: [Parameter]) {
        self.name = name
        self.parameters = parameters
    }

    var signature: String { "\(name)(" + parameters.map(\.type.description).joined(separator: ",") + ")" }

    var topic: [UInt8] { Keccak256.hash(Array(signature.utf8)) }

    /// The values of every parameter in declaration order. An indexed dynamic value (bytes, string,
    /// arrays) is only its keccak-256 hash in the topic; it comes back as `.fixedBytes(hash)`.
    func decode(topics: [[UInt8]], data: [UInt8]) throws(ChainClientError) -> [ABIValue] {
        let indexed = parameters.filter(\.indexed)
        guard topics.count == indexed.count + 1, topics.allSatisfy({ $0.count == 32 }), topics[0] == topic else {
            throw .valueDoesNotMatchType(type: "\(signature) log", value: "\(topics.count) topics")
        }
        let unindexed = try ABIDecoder.decode(data, as: parameters.filter { !$0.indexed }.map(\.type))
        var values: [ABIValue] = []
        var topicIndex = 1
        var dataIndex = 0
        for parameter in parameters {
            if parameter.indexed {
                let word = topics[topicIndex]
                topicIndex += 1
                if parameter.type.isDynamic {
                    values.append(.fixedBytes(word))
                } else {
                    values.append(try ABIDecoder.decode(word, as: [parameter.type])[0])
                }
            } else {
                values.append(unindexed[dataIndex])
                dataIndex += 1
            }
        }
        return values
    }
}
