import Testing
@testable import ChainClient

/// Vectors from ethereum/tests RLPTests/rlptest.json and invalidRLPTest.json.
@Suite struct RLPTests {
    static func text(_ string: String) -> RLPItem { .bytes(Array(string.utf8)) }

    static let valid: [(String, RLPItem, String)] = [
        ("emptystring", .bytes([]), "80"),
        ("bytestring00", .bytes([0]), "00"),
        ("bytestring01", .bytes([1]), "01"),
        ("bytestring7F", .bytes([0x7F]), "7f"),
        ("shortstring", text("dog"), "83646f67"),
        ("shortstring2", text("Lorem ipsum dolor sit amet, consectetur adipisicing eli"),
         "b74c6f72656d20697073756d20646f6c6f722073697420616d65742c20636f6e7365637465747572206164697069736963696e6720656c69"),
        ("longstring", text("Lorem ipsum dolor sit amet, consectetur adipisicing elit"),
         "b8384c6f72656d20697073756d20646f6c6f722073697420616d65742c20636f6e7365637465747572206164697069736963696e6720656c6974"),
        ("zero", .uint(UInt64(0)), "80"),
        ("smallint", .uint(UInt64(1)), "01"),
        ("smallint2", .uint(UInt64(16)), "10"),
        ("smallint3", .uint(UInt64(79)), "4f"),
        ("smallint4", .uint(UInt64(127)), "7f"),
        ("mediumint1", .uint(UInt64(128)), "8180"),
        ("mediumint2", .uint(UInt64(1000)), "8203e8"),
        ("mediumint3", .uint(UInt64(100000)), "830186a0"),
        ("mediumint4", .uint(UInt128("83729609699884896815286331701780722")!), "8f102030405060708090a0b0c0d0e0f2"),
        ("emptylist", .list([]), "c0"),
        ("stringlist", .list([text("dog"), text("god"), text("cat")]), "cc83646f6783676f6483636174"),
        ("multilist", .list([text("zw"), .list([.uint(UInt8(4))]), .uint(UInt8(1))]), "c6827a77c10401"),
        ("shortListMax1", .list(["asdf", "qwer", "zxcv", "asdf", "qwer", "zxcv", "asdf", "qwer", "zxcv", "asdf", "qwer"].map(text)),
         "f784617364668471776572847a78637684617364668471776572847a78637684617364668471776572847a78637684617364668471776572"),
        ("listsoflists", .list([.list([.list([]), .list([])]), .list([])]), "c4c2c0c0c0"),
        ("listsoflists2", .list([.list([]), .list([.list([])]), .list([.list([]), .list([.list([])])])]), "c7c0c1c0c3c0c1c0"),
        ("dictTest1", .list([["key1", "val1"], ["key2", "val2"], ["key3", "val3"], ["key4", "val4"]].map { .list($0.map(text)) }),
         "ecca846b6579318476616c31ca846b6579328476616c32ca846b6579338476616c33ca846b6579348476616c34"),
        ("bigint", .bytes([1] + [UInt8](repeating: 0, count: 32)), "a1010000000000000000000000000000000000000000000000000000000000000000"),
    ]

    @Test func publishedVectorsEncodeAndDecode() throws {
        for (name, item, hex) in Self.valid {
            #expect(Hex.encode(item.encoded, prefix: false) == hex, "\(name)")
            #expect(try RLP.decode(Hex.decode(hex)) == item, "\(name)")
        }
    }

    @Test(arguments: [
        ("8100", ChainClientError.rlpSingleByteEncodedAsString),   // bytesShouldBeSingleByte00
        ("817f", .rlpSingleByteEncodedAsString),           // bytesShouldBeSingleByte7F
        ("b800", .rlpNonCanonicalSize),                    // leadingZerosInLongLengthArray1
        ("b90040" + String(repeating: "00", count: 64), .rlpNonCanonicalSize), // leading zero in the length
        ("b837" + String(repeating: "61", count: 55), .rlpNonCanonicalSize), // long form for a short string
        ("f800", .rlpNonCanonicalSize),
        ("c1", .rlpTruncated),
        ("83646f", .rlpTruncated),
        ("bf0f000000000000021111", .rlpTruncated),          // int32Overflow: absurd length
        ("c383646f67", .rlpTruncated),                     // list payload shorter than its items
        ("83646f6767", .rlpTrailingBytes(1)),
        ("", .rlpTruncated),
    ])
    func invalidInputIsRefused(hex: String, expected: ChainClientError) throws {
        #expect(throws: expected) { try RLP.decode(Hex.decode(hex)) }
    }

    @Test func integersAreReadStrictly() throws {
        #expect(try RLPItem.bytes([0x01, 0x00]).uintValue(UInt16.self) == 256)
        #expect(throws: ChainClientError.rlpLeadingZeroInInteger) { try RLPItem.bytes([0x00, 0x01]).uintValue(UInt64.self) }
        #expect(throws: ChainClientError.rlpIntegerTooLarge(bits: 8)) { try RLPItem.bytes([0x01, 0x00]).uintValue(UInt8.self) }
        #expect(throws: ChainClientError.rlpExpected("a byte string")) { try RLPItem.list([]).uintValue(UInt8.self) }
    }

    @Test func deepNestingIsRefusedWithoutRecursingForever() throws {
        var item = RLPItem.list([])
        for _ in 0..<100 { item = .list([item]) }
        #expect(throws: ChainClientError.rlpExpected("nested less than 64 deep")) { try RLP.decode(item.encoded) }
        var shallow = RLPItem.list([])
        for _ in 0..<60 { shallow = .list([shallow]) }
        #expect(try RLP.decode(shallow.encoded) == shallow)
    }
}
