import CI2C

/// How a register transaction is expressed with SMBus commands, for adapters without plain I2C
/// (i2c-stub, some SoC controllers).
///
/// Only transactions with a one-byte register address (the "command") fit. SMBus words travel low
/// byte first while INA228-style chips send their registers MSB first, so a word is swapped to and
/// from wire order here, in one place.
enum SMBusTransfer: Equatable, Sendable {
    case quickWrite
    case receiveByte
    case sendByte(UInt8)
    case readByteData(command: UInt8)
    case readWordData(command: UInt8)
    case readI2CBlockData(command: UInt8, count: Int)
    case writeByteData(command: UInt8, value: UInt8)
    case writeWordData(command: UInt8, word: UInt16)
    case writeI2CBlockData(command: UInt8, bytes: [UInt8])

    /// The kernel's I2C_SMBUS_BLOCK_MAX.
    static let blockMax = 32

    static func read(bytes: [UInt8], count: Int) -> SMBusTransfer? {
        guard bytes.count == 1, count >= 1, count <= blockMax else { return nil }
        switch count {
        case 1: return .readByteData(command: bytes[0])
        case 2: return .readWordData(command: bytes[0])
        default: return .readI2CBlockData(command: bytes[0], count: count)
        }
    }

    static func write(bytes: [UInt8]) -> SMBusTransfer? {
        switch bytes.count {
        case 0: return .quickWrite
        case 1: return .sendByte(bytes[0])
        case 2: return .writeByteData(command: bytes[0], value: bytes[1])
        case 3: return .writeWordData(command: bytes[0], word: word(fromWire: [bytes[1], bytes[2]]))
        case 4...(blockMax + 1): return .writeI2CBlockData(command: bytes[0], bytes: Array(bytes.dropFirst()))
        default: return nil
        }
    }

    /// The SMBus word for two bytes in wire order: the first byte on the wire is the word's low byte.
    static func word(fromWire wire: [UInt8]) -> UInt16 {
        UInt16(wire[0]) | UInt16(wire[1]) << 8
    }

    /// The two bytes in wire order of an SMBus word.
    static func wire(ofWord word: UInt16) -> [UInt8] {
        [UInt8(word & 0xFF), UInt8(word >> 8)]
    }

    /// The I2C_FUNCS bit the adapter must have for this transfer.
    var requiredFunctionality: UInt {
        switch self {
        case .quickWrite: return UInt(I2C_FUNC_SMBUS_QUICK)
        case .receiveByte: return UInt(I2C_FUNC_SMBUS_READ_BYTE)
        case .sendByte: return UInt(I2C_FUNC_SMBUS_WRITE_BYTE)
        case .readByteData: return UInt(I2C_FUNC_SMBUS_READ_BYTE_DATA)
        case .writeByteData: return UInt(I2C_FUNC_SMBUS_WRITE_BYTE_DATA)
        case .readWordData: return UInt(I2C_FUNC_SMBUS_READ_WORD_DATA)
        case .writeWordData: return UInt(I2C_FUNC_SMBUS_WRITE_WORD_DATA)
        case .readI2CBlockData: return UInt(I2C_FUNC_SMBUS_READ_I2C_BLOCK)
        case .writeI2CBlockData: return UInt(I2C_FUNC_SMBUS_WRITE_I2C_BLOCK)
        }
    }
}
