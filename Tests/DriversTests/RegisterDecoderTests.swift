import Testing
@testable import Drivers

@Suite struct RegisterDecoderTests {
    func register(_ quantity: Quantity, _ type: RegisterDataType, words: WordOrder = .big, bytes: ByteOrder = .big,
                  scale: Double = 1, unit: MeasurementUnit, markers: Set<NotAvailableMarker> = [.nan]) -> QuantityRegister {
        QuantityRegister(quantity: quantity, function: .input, address: 0, dataType: type, wordOrder: words,
                         byteOrder: bytes, scale: scale, unit: unit, notAvailable: markers)
    }

    @Test func float32BigEndianFromARealSDM630Frame() throws {
        // Response 01 04 04 43 67 AF 55 E2 10 from an SDM630: 231.685 V.
        let decoded = try RegisterDecoder.decode([0x4367, 0xAF55], as: register(.voltageL1, .float32, unit: .volt))
        guard case .value(let volts) = decoded else { Issue.record("expected a value"); return }
        #expect(abs(volts - 231.685) < 0.0005)
        let power = try RegisterDecoder.decode([0x41FA, 0x177C], as: register(.activePowerL1, .float32, unit: .watt))
        guard case .value(let watts) = power else { Issue.record("expected a value"); return }
        #expect(abs(watts - 31.2615) < 0.0001)
    }

    @Test func wordAndByteOrderVariants() throws {
        // 0x12345678 laid out four ways.
        let cases: [(WordOrder, ByteOrder, [UInt16])] = [
            (.big, .big, [0x1234, 0x5678]),
            (.little, .big, [0x5678, 0x1234]),
            (.big, .little, [0x3412, 0x7856]),
            (.little, .little, [0x7856, 0x3412]),
        ]
        for (words, bytes, registers) in cases {
            let decoded = try RegisterDecoder.decode(registers[...], as: register(.activePowerTotal, .uint32, words: words, bytes: bytes, unit: .watt))
            #expect(decoded == .value(Double(0x1234_5678)), "word order \(words), byte order \(bytes)")
        }
    }

    @Test func signedIntegersAndScale() throws {
        let em24Power = register(.activePowerTotal, .int32, words: .little, scale: 0.1, unit: .watt)
        // -1234.5 W as int32 -12345 = 0xFFFFCFC7, low word first.
        #expect(try RegisterDecoder.decode([0xCFC7, 0xFFFF], as: em24Power) == .value(-1234.5))
        let pf = register(.powerFactorTotal, .int16, scale: 0.001, unit: .none)
        guard case .value(let factor) = try RegisterDecoder.decode([0xFC7C], as: pf) else { Issue.record("no value"); return }
        #expect(abs(factor - -0.900) < 1e-12)
        let int64 = register(.activePowerTotal, .int64, unit: .watt)
        #expect(try RegisterDecoder.decode([0xFFFF, 0xFFFF, 0xFFFF, 0xFFFE], as: int64) == .value(-2))
        let float64 = register(.frequency, .float64, unit: .hertz)
        let bits = (50.01).bitPattern
        let words = (0..<4).map { UInt16(truncatingIfNeeded: bits >> (48 - 16 * $0)) }
        #expect(try RegisterDecoder.decode(words[...], as: float64) == .value(50.01))
    }

    @Test func notAvailableMarkersAreNeverZero() throws {
        let abbVoltage = register(.voltageL1, .uint32, scale: 0.1, unit: .volt, markers: [.allOnes, .signedMax])
        #expect(try RegisterDecoder.decode([0xFFFF, 0xFFFF], as: abbVoltage) == .notAvailable)
        let abbPower = register(.activePowerTotal, .int32, scale: 0.01, unit: .watt, markers: [.allOnes, .signedMax])
        #expect(try RegisterDecoder.decode([0x7FFF, 0xFFFF], as: abbPower) == .notAvailable)
        let abbEnergy = register(.importActiveEnergy, .uint64, scale: 0.01, unit: .kilowattHour, markers: [.allOnes])
        #expect(try RegisterDecoder.decode([0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF], as: abbEnergy) == .notAvailable)
        let sdm = register(.frequency, .float32, unit: .hertz)
        #expect(try RegisterDecoder.decode([0x7FC0, 0x0000], as: sdm) == .notAvailable)
        // Without the marker, all ones in a signed register is just -1.
        let em24 = register(.activePowerTotal, .int32, words: .little, scale: 0.1, unit: .watt)
        #expect(try RegisterDecoder.decode([0xFFFF, 0xFFFF], as: em24) == .value(-0.1))
    }

    @Test func integerEnergyIsExactMilliwattHours() throws {
        // ABB: uint64 in 0.01 kWh; 123456789.01 kWh must not pick up float error.
        let abb = register(.importActiveEnergy, .uint64, scale: 0.01, unit: .kilowattHour)
        let raw: UInt64 = 12_345_678_901
        let words = (0..<4).map { UInt16(truncatingIfNeeded: raw >> (48 - 16 * $0)) }
        let decoded = try RegisterDecoder.decode(words[...], as: abb)
        #expect(decoded == .energy(EnergyValue(milliwattHours: 123_456_789_010_000, resolutionMilliwattHours: 10_000)))
        // Janitza: float32 Wh.
        let janitza = register(.importActiveEnergy, .float32, unit: .wattHour)
        let wh = Float(1500.5).bitPattern
        #expect(try RegisterDecoder.decode([UInt16(wh >> 16), UInt16(wh & 0xFFFF)], as: janitza)
            == .energy(EnergyValue(milliwattHours: 1_500_500, resolutionMilliwattHours: 1)))
    }

    @Test func float32EnergyResolutionGrowsWithTheCount() throws {
        let sdm = register(.importActiveEnergy, .float32, unit: .kilowattHour)
        let big = Float(1_000_000).bitPattern
        let decoded = try RegisterDecoder.decode([UInt16(big >> 16), UInt16(big & 0xFFFF)], as: sdm)
        // At 1,000,000 kWh one float32 step is 0.0625 kWh = 62.5 Wh.
        #expect(decoded == .energy(EnergyValue(milliwattHours: 1_000_000_000_000, resolutionMilliwattHours: 62_500)))
        let small = Float(12.5).bitPattern
        guard case .energy(let low) = try RegisterDecoder.decode([UInt16(small >> 16), UInt16(small & 0xFFFF)], as: sdm) else {
            Issue.record("no energy"); return
        }
        #expect(low.milliwattHours == 12_500_000)
        #expect(low.resolutionMilliwattHours == 1)
    }

    @Test func wrongRegisterCountIsAnError() {
        #expect(throws: DriverError.wrongRegisterCount(expected: 2, got: 1)) {
            try RegisterDecoder.decode([0x4367], as: register(.voltageL1, .float32, unit: .volt))
        }
    }
}
