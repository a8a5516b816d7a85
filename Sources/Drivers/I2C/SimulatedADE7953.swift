/// An Analog Devices ADE7953 as its datasheet describes it, behind a `SimulatedI2CBus` at 0x38.
///
/// The register file follows the datasheet's tables: access width by address range, 24-bit registers
/// also readable and writable through their 32-bit aliases (signed ones sign-extended), reset values,
/// read-only registers that ignore writes, register 0x120 writable only right after 0xAD is written
/// to 0xFE, and CONFIG.SWRST. The DSP's outputs (RMS, power and period codes) are set through
/// `signals`; the active-energy accumulators integrate the active-power codes over simulated time in
/// the mode ACCMODE selects (signed, positive-only, absolute), wrap at 24 bits signed, and clear on read
/// while LCYCMODE.RSTREAD is set. Not modelled: waveform, reactive/apparent quantities, no-load
/// detection, line-cycle accumulation, interrupts; those registers read as zero.
final class SimulatedADE7953: SimulatedI2CDevice {
    /// The codes the chip's DSP produces for the signals at its pins.
    struct Signals: Sendable, Equatable {
        var voltageRMS: UInt32
        var currentRMSA: UInt32
        var currentRMSB: UInt32
        var activePowerA: Int32
        var activePowerB: Int32
        var period: UInt16

        init(
            voltageRMS: UInt32 = 0, currentRMSA: UInt32 = 0, currentRMSB: UInt32 = 0,
            activePowerA: Int32 = 0, activePowerB: Int32 = 0, period: UInt16 = 0
        ) {
            self.voltageRMS = voltageRMS
            self.currentRMSA = currentRMSA
            self.currentRMSB = currentRMSB
            self.activePowerA = activePowerA
            self.activePowerB = activePowerB
            self.period = period
        }
    }

    /// Energy pulses per second into AENERGYx with full-scale inputs (datasheet: about 206.9 kHz).
    static let energyPulsesPerSecondAtFullScale: Int64 = 206_900

    private struct Definition {
        var reset: UInt64
        var writable = true
        var signed = false
    }

    private static let definitions: [UInt16: Definition] = {
        var table: [UInt16: Definition] = [
            0x000: .init(reset: 0), 0x001: .init(reset: 0), 0x004: .init(reset: 0x40),
            0x007: .init(reset: 0), 0x008: .init(reset: 0), 0x009: .init(reset: 0), 0x040: .init(reset: 0),
            0x0FE: .init(reset: 0), 0x800: .init(reset: 0),
            0x100: .init(reset: 0xFFFF), 0x101: .init(reset: 0), 0x102: .init(reset: 0x8004),
            0x103: .init(reset: 0x3F), 0x104: .init(reset: 0x3F), 0x107: .init(reset: 0x300),
            0x108: .init(reset: 0), 0x109: .init(reset: 0), 0x110: .init(reset: 0), 0x120: .init(reset: 0),
            0x200: .init(reset: 0), 0x201: .init(reset: 0), 0x203: .init(reset: 0xE419),
            0x204: .init(reset: 0xE419), 0x205: .init(reset: 0),
            0x224: .init(reset: 0xFF_FFFF), 0x225: .init(reset: 0xFF_FFFF),
            0x22C: .init(reset: 0x10_0000), 0x22F: .init(reset: 0),
        ]
        for gain: UInt16 in [0x280, 0x281, 0x282, 0x283, 0x284, 0x28C, 0x28D, 0x28E, 0x28F, 0x290] {
            table[gain] = .init(reset: 0x40_0000)
        }
        for offset: UInt16 in [0x285, 0x286, 0x287, 0x288, 0x289, 0x28A, 0x28B, 0x291, 0x292, 0x295, 0x296, 0x297] {
            table[offset] = .init(reset: 0, signed: true)
        }
        table[0x293] = .init(reset: 0)
        table[0x294] = .init(reset: 0)
        for readOnly: UInt16 in [0x212, 0x213, 0x21E, 0x21F] {
            table[readOnly] = .init(reset: 0, writable: false, signed: true)
        }
        for readOnly: UInt16 in [0x10E, 0x21A, 0x21B, 0x21C, 0x702] {
            table[readOnly] = .init(reset: 0, writable: false)
        }
        return table
    }()

    private struct State {
        var signals = Signals()
        var registers: [UInt16: UInt64] = definitions.mapValues(\.reset)
        var energyA: Int64 = 0
        var energyB: Int64 = 0
        var remainderA: Int64 = 0
        var remainderB: Int64 = 0
        var unlocked = false
    }

    private let state = Locked(State())
    let siliconVersion: UInt8
    /// The active-power code that corresponds to full-scale inputs. The datasheet gives the energy
    /// pulse rate at full scale but not this code, so it is the simulation's choice; a board's
    /// watt-hours-per-LSB calibration absorbs it on real hardware.
    let activePowerAtFullScale: Int64

    init(signals: Signals = Signals(), siliconVersion: UInt8 = 0x08, activePowerAtFullScale: Int32 = 0x40_0000) {
        self.siliconVersion = siliconVersion
        self.activePowerAtFullScale = Int64(activePowerAtFullScale)
        state.withLock { $0.signals = signals }
    }

    var signals: Signals {
        get { state.withLock { $0.signals } }
        set { state.withLock { $0.signals = newValue } }
    }

    /// Lets simulated time pass: the energy accumulators integrate the active-power codes.
    func advance(by duration: Duration) {
        let (seconds, attoseconds) = duration.components
        var microseconds = Int64(max(0, seconds)) * 1_000_000 + max(0, attoseconds) / 1_000_000_000_000
        let denominator = activePowerAtFullScale * 1_000_000
        state.withLock { state in
            let mode = state.registers[0x201] ?? 0
            let powerA = Self.accumulated(Int64(state.signals.activePowerA), mode: mode & 0b11)
            let powerB = Self.accumulated(Int64(state.signals.activePowerB), mode: (mode >> 2) & 0b11)
            // One second at a time keeps power × rate × microseconds inside 64 bits.
            while microseconds > 0 {
                let step = min(microseconds, 1_000_000)
                microseconds -= step
                state.remainderA += powerA * Self.energyPulsesPerSecondAtFullScale * step
                state.remainderB += powerB * Self.energyPulsesPerSecondAtFullScale * step
                let pulsesA = state.remainderA / denominator
                let pulsesB = state.remainderB / denominator
                state.remainderA -= pulsesA * denominator
                state.remainderB -= pulsesB * denominator
                state.energyA = RegisterBytes.signExtend(UInt64(bitPattern: state.energyA + pulsesA), bits: 24)
                state.energyB = RegisterBytes.signExtend(UInt64(bitPattern: state.energyB + pulsesB), bits: 24)
            }
        }
    }

    func transact(writing bytes: [UInt8], reading count: Int) -> [UInt8] {
        state.withLock { state in
            guard bytes.count >= 2 else {
                state.unlocked = false
                return [UInt8](repeating: 0, count: count)
            }
            let address = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
            let width = ADE7953Register.width(of: address)
            let wasUnlocked = state.unlocked
            state.unlocked = false
            if bytes.count == 2 + width {
                Self.write(RegisterBytes.unsigned(Array(bytes.dropFirst(2))), to: address, unlocked: wasUnlocked, in: &state)
            }
            guard count > 0 else { return [] }
            let value = RegisterBytes.bytes(of: read(address, in: &state), width: width)
            return Array((value + [UInt8](repeating: 0, count: max(0, count - width))).prefix(count))
        }
    }

    private static func accumulated(_ power: Int64, mode: UInt64) -> Int64 {
        switch mode {
        case 0b01: return max(power, 0)
        case 0b10: return abs(power)
        default: return power
        }
    }

    /// 0x2xx and 0x3xx name the same 24-bit register.
    private static func storageKey(_ address: UInt16) -> UInt16 {
        address >> 8 == 0x3 ? 0x200 | (address & 0xFF) : address
    }

    private static func write(_ value: UInt64, to address: UInt16, unlocked: Bool, in state: inout State) {
        let key = storageKey(address)
        guard let definition = definitions[key], definition.writable else { return }
        if key == ADE7953Register.optimumSettings && !unlocked { return }
        if key == ADE7953Register.config && value & (1 << 7) != 0 {  // SWRST
            state = State(signals: state.signals)
            return
        }
        state.registers[key] = value & (key >> 8 == 0x2 ? 0xFF_FFFF : UInt64.max)
        if key == ADE7953Register.unlock && value == ADE7953Constants.unlockKey {
            state.unlocked = true
        }
    }

    private func read(_ address: UInt16, in state: inout State) -> UInt64 {
        let key = Self.storageKey(address)
        let value: Int64
        switch key {
        case 0x10E: value = Int64(state.signals.period)
        case 0x212: value = Int64(state.signals.activePowerA)
        case 0x213: value = Int64(state.signals.activePowerB)
        case 0x21A: value = Int64(state.signals.currentRMSA)
        case 0x21B: value = Int64(state.signals.currentRMSB)
        case 0x21C: value = Int64(state.signals.voltageRMS)
        case 0x21E:
            value = state.energyA
            if Self.readsWithReset(state) { state.energyA = 0 }
        case 0x21F:
            value = state.energyB
            if Self.readsWithReset(state) { state.energyB = 0 }
        case 0x201:
            // APSIGN_A / APSIGN_B (bits 10, 11) report the sign of the active power.
            let mode = (state.registers[0x201] ?? 0) & 0x3FF
            let signs = (state.signals.activePowerA < 0 ? 1 << 10 : 0) | (state.signals.activePowerB < 0 ? 1 << 11 : 0)
            value = Int64(mode) | Int64(signs)
        case 0x702: value = Int64(siliconVersion)
        default: value = Int64(bitPattern: state.registers[key] ?? 0)
        }
        let signed = Self.definitions[key]?.signed ?? false
        let width = ADE7953Register.width(of: address)
        if key >> 8 == 0x2 {
            // 24-bit contents; the 32-bit alias extends by sign or by zeros.
            let contents = UInt64(bitPattern: value) & 0xFF_FFFF
            let extended = signed ? UInt64(bitPattern: RegisterBytes.signExtend(contents, bits: 24)) : contents
            return extended & (width == 4 ? 0xFFFF_FFFF : 0xFF_FFFF)
        }
        return UInt64(bitPattern: value) & ((1 << UInt64(8 * width)) - 1)
    }

    private static func readsWithReset(_ state: State) -> Bool {
        (state.registers[ADE7953Register.lineCycleMode] ?? 0) & ADE7953Constants.readWithReset != 0
    }
}
