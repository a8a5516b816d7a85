/// Where and how one quantity is stored in a meter's register map.
public struct QuantityRegister: Sendable, Hashable {
    public var quantity: Quantity
    public var function: RegisterFunction
    public var address: UInt16
    var dataType: RegisterDataType
    var wordOrder: WordOrder
    var byteOrder: ByteOrder
    /// value in `unit` = raw register value × scale
    var scale: Double
    var unit: MeasurementUnit
    var notAvailable: Set<NotAvailableMarker>

    public init(
        quantity: Quantity, function: RegisterFunction, address: UInt16, dataType: RegisterDataType,
        wordOrder: WordOrder = .big, byteOrder: ByteOrder = .big, scale: Double = 1, unit: MeasurementUnit,
        notAvailable: Set<NotAvailableMarker> = [.nan]
    ) {
        self.quantity = quantity
        self.function = function
        self.address = address
        self.dataType = dataType
        self.wordOrder = wordOrder
        self.byteOrder = byteOrder
        self.scale = scale
        self.unit = unit
        self.notAvailable = notAvailable
    }

    public var registerCount: Int { dataType.registerCount }
    /// One past the last register this quantity occupies.
    public var endAddress: Int { Int(address) + registerCount }
}

/// A meter model's register map, loaded from a profile file under hardware/meters/.
public struct MeterProfile: Sendable, Hashable {
    /// The profile's name: its file name without `.toml` (e.g. `eastron-sdm630`).
    public var name: String
    public var manufacturer: String
    public var model: String
    /// 1 or 3 for AC meters, 0 for DC.
    var phases: Int
    /// Where the register map comes from.
    var source: String
    /// Quantities a probe reads to tell whether this profile fits a responding unit.
    public var signature: [Quantity]
    public var registers: [QuantityRegister]
    /// Unused registers one read may span to join two blocks (0 for meters that refuse such reads).
    var maxGap: Int

    public init(
        name: String, manufacturer: String, model: String, phases: Int, source: String,
        signature: [Quantity], registers: [QuantityRegister], maxGap: Int = MeterProfile.defaultMaxGap
    ) {
        self.maxGap = maxGap
        self.name = name
        self.manufacturer = manufacturer
        self.model = model
        self.phases = phases
        self.source = source
        self.signature = signature
        self.registers = registers
    }

    public static let defaultMaxGap = 32

    func register(for quantity: Quantity) -> QuantityRegister? {
        registers.first { $0.quantity == quantity }
    }

    /// The quantities every profile of this kind of meter must cover.
    var standardQuantities: [Quantity] {
        switch phases {
        case 3: return Quantity.standardThreePhase
        case 1: return Quantity.standardSinglePhase
        default: return [.dcVoltage, .dcCurrent, .activePowerTotal, .importActiveEnergy]
        }
    }
}
