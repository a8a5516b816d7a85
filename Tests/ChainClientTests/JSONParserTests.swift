import Testing
@testable import ChainClient

@Suite struct JSONParserTests {
    @Test func parsesWhatNodesSend() throws {
        let text = #"{"jsonrpc":"2.0","id":7,"result":{"a":[1,-2.5e3,true,false,null],"s":"\u00e9\ud83d\ude00\n\"x\""}}"#
        let value = try JSONParser.parse(Array(text.utf8))
        #expect(value["id"] == .number("7"))
        #expect(value["result"]?["a"] == .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null]))
        #expect(value["result"]?["s"] == .string("é😀\n\"x\""))
        #expect(try JSONParser.parse(Array(value.description.utf8)) == value)
    }

    @Test(arguments: ["", "{", "{\"a\":}", "[1,]", "01", "\"unterminated", "{\"a\" 1}", "tru", "[1] x", "\"\\ud800\"", "\"\u{01}\"",
                      "{\"a\":1,}", "-", "1.", "1e", "\"\\x\""])
    func malformedTextIsATypedError(text: String) {
        #expect { try JSONParser.parse(Array(text.utf8)) } throws: { isChainClientError($0, .json) }
    }

    @Test func aDocumentOfCountlessTinyValuesIsRefused() throws {
        let many = "[" + String(repeating: "0,", count: JSONParser.maximumValues) + "0]"
        #expect { try JSONParser.parse(Array(many.utf8)) } throws: { isChainClientError($0, .json) }
        let enough = "[" + String(repeating: "0,", count: 1000) + "0]"
        #expect(try JSONParser.parse(Array(enough.utf8)) == .array(Array(repeating: .number("0"), count: 1001)))
    }

    @Test func invalidUTF8AndDeepNestingAreRefused() {
        #expect { try JSONParser.parse([0x22, 0xC3, 0x28, 0x22]) } throws: { isChainClientError($0, .json) }
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: ChainClientError.malformedJSON(offset: JSONParser.maximumDepth, reason: "nested deeper than 64")) {
            try JSONParser.parse(Array(deep.utf8))
        }
    }
}
