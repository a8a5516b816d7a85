import Testing
@testable import Drivers

@Suite struct I2CSMBusTransferTests {
    /// The INA228 sends MANUFACTURER_ID 0x5449 as 0x54 then 0x49; SMBus calls the first byte the low
    /// one, so the word the kernel (and `i2cget -y 0 0x40 0x3e w`) shows is 0x4954.
    @Test func smbusWordsAreLowByteFirstOnTheWire() {
        #expect(SMBusTransfer.wire(ofWord: 0x4954) == [0x54, 0x49])
        #expect(SMBusTransfer.word(fromWire: [0x54, 0x49]) == 0x4954)
        #expect(RegisterBytes.unsigned(SMBusTransfer.wire(ofWord: 0x4954)) == 0x5449)
    }

    @Test func registerReadsMapToTheSMBusTransferOfTheirWidth() {
        #expect(SMBusTransfer.read(bytes: [0x3E], count: 2) == .readWordData(command: 0x3E))
        #expect(SMBusTransfer.read(bytes: [0x05], count: 3) == .readI2CBlockData(command: 0x05, count: 3))
        #expect(SMBusTransfer.read(bytes: [0x09], count: 5) == .readI2CBlockData(command: 0x09, count: 5))
        #expect(SMBusTransfer.read(bytes: [0x04], count: 1) == .readByteData(command: 0x04))
    }

    @Test func transactionsSMBusCannotExpressAreRefused() {
        #expect(SMBusTransfer.read(bytes: [0x03, 0x1C], count: 4) == nil, "ADE7953's 16-bit register addresses")
        #expect(SMBusTransfer.read(bytes: [0x09], count: 33) == nil)
        #expect(SMBusTransfer.read(bytes: [], count: 2) == nil)
    }

    @Test func registerWritesSwapIntoSMBusWords() {
        // SHUNT_CAL = 3750 = 0x0EA6, sent MSB first.
        #expect(SMBusTransfer.write(bytes: [0x02, 0x0E, 0xA6]) == .writeWordData(command: 0x02, word: 0xA60E))
        #expect(SMBusTransfer.write(bytes: [0x0F, 0xAD]) == .writeByteData(command: 0x0F, value: 0xAD))
        #expect(SMBusTransfer.write(bytes: [0x01, 1, 2, 3]) == .writeI2CBlockData(command: 0x01, bytes: [1, 2, 3]))
        #expect(SMBusTransfer.write(bytes: []) == .quickWrite)
    }
}
