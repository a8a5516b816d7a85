/// A TI INA228 as its datasheet describes it, behind a `SimulatedI2CBus`.
///
/// Set what the chip's inputs see (volts across the shunt and on the bus, die temperature) and advance
/// simulated time; the chip converts them into its registers as the silicon does: VSHUNT and VBUS
/// quantised to their LSBs in bits 23..4, CURRENT = VSHUNT × 4096 / SHUNT_CAL, POWER =
/// |CURRENT| × VBUS / 16384, ENERGY accumulating POWER / 16 per second while converting, wrapping at
/// 2^40. Only writable registers take writes; CONFIG.RST restores the reset values and CONFIG.RSTACC
/// clears ENERGY and CHARGE, both self-clearing. Unmapped register pointers read as zero.
final class SimulatedINA228: SimulatedI2CDevice {
    struct Inputs: Sendable, Equatable {
        var shuntVolts: Double
        var busVolts: Double
        var dieCelsius: Double

        init(shuntVolts: Double = 0, busVolts: Double = 0, dieCelsius: Double = 25) {
            self.shuntVolts = shuntVolts
            self.busVolts = busVolts
            self.dieCelsius = dieCelsius
        }
    }

    private struct State {
        var inputs = Inputs()
        var writable: [INA228Register: UInt64] = Dictionary(uniqueKeysWithValues:
            INA228Register.allCases.filter(\.isWritable).map { ($0, $0.resetValue) })
        var energy: UInt64 = 0
        var charge: Int64 = 0
        // Sub-LSB progress of the accumulators, in register-LSB × microseconds.
        var energyRemainder: UInt64 = 0
        var chargeRemainder: Int64 = 0
        var pointer: UInt8 = 0
    }

    private let state = Locked(State())

    init(inputs: Inputs = Inputs()) {
        state.withLock { $0.inputs = inputs }
    }

    var inputs: Inputs {
        get { state.withLock { $0.inputs } }
        set { state.withLock { $0.inputs = newValue } }
    }

    /// Lets simulated time pass: ENERGY and CHARGE accumulate while the ADC converts continuously.
    func advance(by duration: Duration) {
        let (seconds, attoseconds) = duration.components
        var microseconds = UInt64(max(0, seconds)) * 1_000_000 + UInt64(max(0, attoseconds)) / 1_000_000_000_000
        state.withLock { state in
            guard Self.isConvertingContinuously(state) else { return }
            let power = Self.powerCode(state)
            let current = Self.currentCode(state)
            // Steps of at most 1000 s keep the products inside 64 bits.
            while microseconds > 0 {
                let step = min(microseconds, 1_000_000_000)
                microseconds -= step
                state.energyRemainder += power * step
                let energySteps = state.energyRemainder / 16_000_000
                state.energyRemainder %= 16_000_000
                state.energy = (state.energy + energySteps) % INA228Scale.energyModulus
                state.chargeRemainder += current * Int64(step)
                let chargeSteps = state.chargeRemainder / 1_000_000
                state.chargeRemainder %= 1_000_000
                state.charge = RegisterBytes.signExtend(UInt64(bitPattern: state.charge + chargeSteps), bits: 40)
            }
        }
    }

    func transact(writing bytes: [UInt8], reading count: Int) -> [UInt8] {
        state.withLock { state in
            if let pointer = bytes.first {
                state.pointer = pointer
                if bytes.count >= 3 { Self.write(Array(bytes.dropFirst()), to: pointer, in: &state) }
            }
            guard count > 0 else { return [] }
            guard let register = INA228Register(rawValue: state.pointer) else {
                return [UInt8](repeating: 0, count: count)
            }
            let value = RegisterBytes.bytes(of: Self.contents(of: register, in: state), width: register.width)
            return Array((value + [UInt8](repeating: 0, count: max(0, count - value.count))).prefix(count))
        }
    }

    private static func write(_ data: [UInt8], to pointer: UInt8, in state: inout State) {
        guard let register = INA228Register(rawValue: pointer), register.isWritable else { return }
        let value = RegisterBytes.unsigned(Array(data.prefix(2)))
        switch register {
        case .config:
            if value & INA228Config.reset != 0 {
                state = State(inputs: state.inputs)
                return
            }
            if value & INA228Config.resetAccumulators != 0 {
                state.energy = 0
                state.charge = 0
                state.energyRemainder = 0
                state.chargeRemainder = 0
            }
            state.writable[.config] = value & ~(INA228Config.reset | INA228Config.resetAccumulators)
        case .shuntCalibration:
            state.writable[.shuntCalibration] = value & 0x7FFF  // bit 15 is reserved
        default:
            state.writable[register] = value
        }
    }

    private static func contents(of register: INA228Register, in state: State) -> UInt64 {
        switch register {
        case .shuntVoltage: return twentyBitField(shuntCode(state))
        case .busVoltage: return twentyBitField(busCode(state))
        case .current: return twentyBitField(currentCode(state))
        case .power: return powerCode(state)
        case .dieTemperature:
            let code = clamp((state.inputs.dieCelsius / INA228Scale.dieCelsiusPerLSB).rounded(), bits: 16)
            return UInt64(bitPattern: code) & 0xFFFF
        case .energy: return state.energy
        case .charge: return UInt64(bitPattern: state.charge) & (INA228Scale.energyModulus - 1)
        case .manufacturerID, .deviceID: return register.resetValue
        default: return state.writable[register] ?? 0
        }
    }

    private static func isConvertingContinuously(_ state: State) -> Bool {
        // MODE 0xB (shunt and bus) or 0xF (shunt, bus and temperature), continuous.
        let mode = (state.writable[.adcConfig] ?? 0) >> 12
        return mode == 0xB || mode == 0xF
    }

    private static func shuntCode(_ state: State) -> Int64 {
        let lowRange = (state.writable[.config] ?? 0) & INA228Config.adcRange != 0
        let lsb = lowRange ? INA228Scale.shuntVoltsPerLSBLowRange : INA228Scale.shuntVoltsPerLSB
        return clamp((state.inputs.shuntVolts / lsb).rounded(), bits: 20)
    }

    private static func busCode(_ state: State) -> Int64 {
        max(0, clamp((state.inputs.busVolts / INA228Scale.busVoltsPerLSB).rounded(), bits: 20))
    }

    private static func currentCode(_ state: State) -> Int64 {
        let calibration = Int64(state.writable[.shuntCalibration] ?? 0)
        guard calibration > 0 else { return 0 }
        return clamp(Double(shuntCode(state) * 4096 / calibration), bits: 20)
    }

    private static func powerCode(_ state: State) -> UInt64 {
        min(UInt64(abs(currentCode(state)) * busCode(state) / 16384), 0xFF_FFFF)
    }

    private static func twentyBitField(_ code: Int64) -> UInt64 {
        (UInt64(bitPattern: code) & 0xF_FFFF) << 4
    }

    private static func clamp(_ value: Double, bits: Int) -> Int64 {
        let limit = Double(Int64(1) << (bits - 1))
        return Int64(min(max(value, -limit), limit - 1))
    }
}
