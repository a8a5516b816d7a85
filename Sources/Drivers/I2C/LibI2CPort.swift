import CI2C

/// libi2c's SMBus calls on an i2c-dev file whose target address is already set (I2C_SLAVE).
struct LibI2CPort: SMBusPort {
    let descriptor: Int32

    func quickWrite() -> Int32 { i2c_smbus_write_quick(descriptor, UInt8(I2C_SMBUS_WRITE)) }
    func receiveByte() -> Int32 { i2c_smbus_read_byte(descriptor) }
    func sendByte(_ value: UInt8) -> Int32 { i2c_smbus_write_byte(descriptor, value) }
    func readByteData(command: UInt8) -> Int32 { i2c_smbus_read_byte_data(descriptor, command) }
    func readWordData(command: UInt8) -> Int32 { i2c_smbus_read_word_data(descriptor, command) }

    func readI2CBlockData(command: UInt8, into buffer: inout [UInt8]) -> Int32 {
        // libi2c copies up to I2C_SMBUS_BLOCK_MAX bytes whatever length was asked, so give it room.
        var room = [UInt8](repeating: 0, count: SMBusTransfer.blockMax)
        let result = i2c_smbus_read_i2c_block_data(descriptor, command, UInt8(buffer.count), &room)
        if result > 0 { buffer = Array(room.prefix(buffer.count)) }
        return result
    }

    func writeByteData(command: UInt8, value: UInt8) -> Int32 {
        i2c_smbus_write_byte_data(descriptor, command, value)
    }

    func writeWordData(command: UInt8, word: UInt16) -> Int32 {
        i2c_smbus_write_word_data(descriptor, command, word)
    }

    func writeI2CBlockData(command: UInt8, bytes: [UInt8]) -> Int32 {
        i2c_smbus_write_i2c_block_data(descriptor, command, UInt8(bytes.count), bytes)
    }
}
