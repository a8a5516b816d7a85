import Testing
@testable import ChainClient

/// Examples of the Solidity ABI specification ("Examples" and "Use of Dynamic Types").
@Suite struct ABITests {
    static func words(_ words: [String]) -> String {
        words.map { String(repeating: "0", count: 64 - $0.count) + $0 }.joined()
    }
    static func right(_ text: String) -> String {
        let hex = Hex.encode(Array(text.utf8), prefix: false)
        return hex + String(repeating: "0", count: 64 - hex.count)
    }

    @Test func bazUint32Bool() throws {
        let function = ABIFunction(name: "baz", inputs: [try ABIType("uint32"), try ABIType("bool")])
        #expect(Hex.encode(function.selector, prefix: false) == "cdcd77c0")
        let call = try function.encodeCall([.uint(UInt32(69)), .bool(true)])
        #expect(Hex.encode(call, prefix: false) == "cdcd77c0" + Self.words(["45", "1"]))
    }

    @Test func barFixedArrayOfBytes3() throws {
        let function = ABIFunction(name: "bar", inputs: [try ABIType("bytes3[2]")])
        #expect(Hex.encode(function.selector, prefix: false) == "fce353f6")
        let call = try function.encodeCall([.array([.fixedBytes(Array("abc".utf8)), .fixedBytes(Array("def".utf8))])])
        #expect(Hex.encode(call, prefix: false) == "fce353f6" + Self.right("abc") + Self.right("def"))
    }

    @Test func samBytesBoolArray() throws {
        let types = [try ABIType("bytes"), .bool, try ABIType("uint256[]")]
        let function = ABIFunction(name: "sam", inputs: types)
        #expect(Hex.encode(function.selector, prefix: false) == "a5643bf2")
        let values: [ABIValue] = [.bytes(Array("dave".utf8)), .bool(true), .array([.uint(UInt8(1)), .uint(UInt8(2)), .uint(UInt8(3))])]
        let call = try function.encodeCall(values)
        let expected = Self.words(["60", "1", "a0", "4"]) + Self.right("dave") + Self.words(["3", "1", "2", "3"])
        #expect(Hex.encode(call, prefix: false) == "a5643bf2" + expected)
        #expect(try ABIDecoder.decode(Array(call.dropFirst(4)), as: types) == values)
    }

    @Test func fWithDynamicTypes() throws {
        let types = try ["uint256", "uint32[]", "bytes10", "bytes"].map { (name) throws(ChainClientError) in try ABIType(name) }
        let function = ABIFunction(name: "f", inputs: types)
        #expect(Hex.encode(function.selector, prefix: false) == "8be65246")
        let values: [ABIValue] = [.uint(UInt16(0x123)), .array([.uint(UInt32(0x456)), .uint(UInt32(0x789))]),
                                  .fixedBytes(Array("1234567890".utf8)), .bytes(Array("Hello, world!".utf8))]
        let call = try function.encodeCall(values)
        let expected = Self.words(["123", "80"]) + Self.right("1234567890") + Self.words(["e0", "2", "456", "789", "d"]) + Self.right("Hello, world!")
        #expect(Hex.encode(call, prefix: false) == "8be65246" + expected)
        #expect(try ABIDecoder.decode(Array(call.dropFirst(4)), as: types) == values)
    }

    @Test func gNestedDynamicArrays() throws {
        let types = [try ABIType("uint256[][]"), try ABIType("string[]")]
        let function = ABIFunction(name: "g", inputs: types)
        #expect(Hex.encode(function.selector, prefix: false) == "2289b18c")
        let values: [ABIValue] = [
            .array([.array([.uint(UInt8(1)), .uint(UInt8(2))]), .array([.uint(UInt8(3))])]),
            .array([.string("one"), .string("two"), .string("three")]),
        ]
        let call = try function.encodeCall(values)
        let expected = Self.words(["40", "140", "2", "40", "a0", "2", "1", "2", "1", "3", "3", "60", "a0", "e0", "3"]) + Self.right("one")
            + Self.words(["3"]) + Self.right("two") + Self.words(["5"]) + Self.right("three")
        #expect(Hex.encode(call, prefix: false) == "2289b18c" + expected)
        #expect(try ABIDecoder.decode(Array(call.dropFirst(4)), as: types) == values)
    }

    @Test func integersOfEveryWidthKeepTheirRange() throws {
        for bits in stride(from: 8, through: 256, by: 8) {
            let type = try ABIType("uint\(bits)")
            let max = Word256(unchecked: [UInt8](repeating: 0, count: 32 - bits / 8) + [UInt8](repeating: 0xFF, count: bits / 8))
            #expect(try ABIDecoder.decode(ABIEncoder.encode([.uint(max)], as: [type]), as: [type]) == [.uint(max)])
            if bits < 256 {
                let over = Word256(unchecked: [UInt8](repeating: 0, count: 31 - bits / 8) + [1] + [UInt8](repeating: 0, count: bits / 8))
                #expect { try ABIEncoder.encode([.uint(over)], as: [type]) } throws: { isChainClientError($0, .abi) }
                #expect(throws: ChainClientError.badPadding(type: "uint\(bits)", offset: 0)) { try ABIDecoder.decode(over.bytes, as: [type]) }
            }
            let signed = try ABIType("int\(bits)")
            let minusOne = ABIValue.int(Int8(-1))
            #expect(try ABIDecoder.decode(ABIEncoder.encode([minusOne], as: [signed]), as: [signed]) == [minusOne])
        }
        #expect(try ABIValue.int(Int64(-2)).word().signed(Int16.self) == -2)
        #expect(try Word256(signed: Int32.min).signed(Int64.self) == Int64(Int32.min))
        #expect { try ABIEncoder.encode([.int(Int64(200))], as: [.int(8)]) } throws: { isChainClientError($0, .abi) }
        #expect { try Word256(UInt64.max).signed(Int64.self) } throws: { isChainClientError($0, .abi) }
    }

    @Test func typesParseAndPrintCanonically() throws {
        for name in ["uint8", "int256", "address", "bool", "bytes", "bytes32", "string", "uint256[]", "address[3]", "(uint8,bool)[]",
                     "(uint256,(bytes,string))"] {
            #expect(try ABIType(name).description == name)
        }
        #expect(try ABIType("uint").description == "uint256")
        for bad in ["uint7", "uint264", "bytes33", "bytes0", "float", "uint256[0]"] {
            #expect(throws: ChainClientError.unknownType(bad)) { try ABIType(bad) }
        }
    }

    @Test func hostileDataGivesTypedErrors() throws {
        let huge = Self.words(["20", "ffffffff"])                 // a string claiming 4 GiB
        #expect(throws: ChainClientError.lengthTooLarge(type: "string", length: 0xFFFF_FFFF)) { try ABIDecoder.decode(Hex.decode(huge), as: [.string]) }
        let farOffset = Self.words(["ffffff"])
        #expect(throws: ChainClientError.offsetOutOfBounds(type: "bytes", offset: 0xFFFFFF)) { try ABIDecoder.decode(Hex.decode(farOffset), as: [.bytes]) }
        let hugeOffset = Self.words(["1" + String(repeating: "0", count: 60)])
        #expect { try ABIDecoder.decode(Hex.decode(hugeOffset), as: [.bytes]) } throws: { isChainClientError($0, .abi) }
        let manyElements = Self.words(["20", "100000"])
        #expect(throws: ChainClientError.lengthTooLarge(type: "uint256[]", length: 0x100000)) { try ABIDecoder.decode(Hex.decode(manyElements), as: [.array(.uint(256))]) }
        #expect(throws: ChainClientError.badPadding(type: "bool", offset: 0)) { try ABIDecoder.decode(Hex.decode(Self.words(["2"])), as: [.bool]) }
        #expect(throws: ChainClientError.badPadding(type: "address", offset: 0)) { try ABIDecoder.decode(Hex.decode(Self.words(["1" + String(repeating: "0", count: 40)])), as: [.address]) }
        #expect(throws: ChainClientError.truncated(type: "uint256", offset: 0, needed: 32, available: 3)) { try ABIDecoder.decode([1, 2, 3], as: [.uint(256)]) }
        let badUTF8 = Self.words(["20", "2"]) + "c328" + String(repeating: "0", count: 60)
        #expect(throws: ChainClientError.invalidUTF8(offset: 64)) { try ABIDecoder.decode(Hex.decode(badUTF8), as: [.string]) }
    }

    @Test func revertReasonsDecode() throws {
        let data = try RevertReason.errorString.encodeCall([.string("agreements: wrong batch number")])
        #expect(Hex.encode(data.prefix(4), prefix: false) == "08c379a0")
        #expect(RevertReason.decode(data) == "agreements: wrong batch number")
        #expect(RevertReason.decode([1, 2, 3]) == nil)
    }
}
