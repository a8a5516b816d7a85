/// The Analog Devices ADE7953's register addresses (datasheet Rev. C, tables 13-15) and their widths.
///
/// Addresses are 16 bits, sent MSB first. The range says the access width: 0x0xx 8-bit, 0x1xx 16-bit,
/// 0x2xx 24-bit and 0x3xx the same 24-bit registers read as 32 bits (sign- or zero-extended).
enum ADE7953Register {
    static let lineCycleMode: UInt16 = 0x004       // LCYCMODE
    static let unlock: UInt16 = 0x0FE               // write 0xAD here right before writing 0x120
    static let config: UInt16 = 0x102               // CONFIG
    static let period: UInt16 = 0x10E               // PERIOD
    static let optimumSettings: UInt16 = 0x120      // reserved; must be 0x30 for the datasheet's performance
    static let accumulationMode: UInt16 = 0x301     // ACCMODE, 32-bit access
    static let activePowerNoLoad: UInt16 = 0x303    // AP_NOLOAD, 32-bit access
    static let activePowerA: UInt16 = 0x312         // AWATT
    static let activePowerB: UInt16 = 0x313         // BWATT
    static let currentRMSA: UInt16 = 0x31A          // IRMSA
    static let currentRMSB: UInt16 = 0x31B          // IRMSB
    static let voltageRMS: UInt16 = 0x31C           // VRMS
    static let activeEnergyA: UInt16 = 0x31E        // AENERGYA
    static let activeEnergyB: UInt16 = 0x31F        // AENERGYB
    static let version: UInt16 = 0x702              // VERSION, 8-bit

    /// Access width in bytes.
    static func width(of address: UInt16) -> Int {
        switch address >> 8 {
        case 0x1: return 2
        case 0x2: return 3
        case 0x3: return 4
        default: return 1  // 0x0xx, VERSION 0x702 and EX_REF 0x800
        }
    }

    static func addressBytes(_ address: UInt16) -> [UInt8] {
        [UInt8(address >> 8), UInt8(address & 0xFF)]
    }
}

enum ADE7953Constants {
    static let address: UInt8 = 0x38
    static let unlockKey: UInt64 = 0xAD
    static let optimumSettingsValue: UInt64 = 0x30
    /// AP_NOLOAD's reset value; meterd never changes it, so it identifies the chip.
    static let activePowerNoLoadDefault: UInt64 = 0x00E419
    /// LCYCMODE.RSTREAD (bit 6): reading an energy register clears it. Bits 0-5 select line-cycle
    /// accumulation, which meterd leaves off.
    static let readWithReset: UInt64 = 1 << 6
    /// Hz = 223750 / (PERIOD + 1).
    static let periodClockHertz = 223_750.0
}
