import ChainClient
import Drivers
import FoundationEssentials

/// Reads meter profiles (register maps as TOML data files, see hardware/meters/) into `MeterProfile`s.
enum MeterProfileLoader {
    static func load(path: String) throws(MeterdError) -> MeterProfile {
        let source: TOMLSource
        source = try TOMLSource.read(path: path)
        return try parse(source, name: URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent)
    }

    static func parse(_ source: TOMLSource, name: String) throws(MeterdError) -> MeterProfile {
        let problems = ProblemCollector()
        let root = TableReader(source: source, path: [], entries: source.root, problems: problems)

        let meter = root.table("meter", required: true)
        let manufacturer = meter?.string("manufacturer", required: true)
        let model = meter?.string("model", required: true)
        let phases = meter?.integer("phases", required: true, in: 0...3)
        if let phases, phases == 2 { meter?.report("phases", "is 2, must be 3, 1, or 0 for a DC meter") }
        let citation = meter?.string("source", required: true)
        if let citation, citation.trimmed().isEmpty {
            meter?.report("source", "is empty", fix: "say where the register map comes from (manual, revision, table)")
        }
        meter?.rejectUnknownKeys()

        let defaults = root.table("defaults").map { RegisterDefaults(reading: $0) } ?? RegisterDefaults()
        let read = root.table("read")
        let maxGap = read?.integer("max_gap", in: 0...(ReadPlanner.modbusMaxRegisters - 2)) ?? MeterProfile.defaultMaxGap
        read?.rejectUnknownKeys()

        var registers: [QuantityRegister] = []
        if let quantities = root.table("quantities", required: true) {
            for entry in quantities.entries.keys.sorted() {
                if let register = QuantityRegisterReader.read(entry, in: quantities, defaults: defaults) {
                    registers.append(register)
                }
            }
            if quantities.entries.isEmpty { quantities.report(nil, "lists no quantities") }
            reportOverlaps(registers, in: quantities)
        }

        var signature: [Quantity] = []
        if let table = root.table("signature") {
            for text in table.strings("quantities", required: true) ?? [] {
                guard let quantity = Quantity(rawValue: text), registers.contains(where: { $0.quantity == quantity }) else {
                    table.report("quantities", "names \"\(text)\", which is not among this profile's [quantities]")
                    continue
                }
                signature.append(quantity)
            }
            table.rejectUnknownKeys()
        }
        root.rejectUnknownKeys()

        guard problems.problems.isEmpty, let manufacturer, let model, let phases, let citation else {
            throw MeterdError.configuration(problems.problems)
        }
        return MeterProfile(
            name: name, manufacturer: manufacturer, model: model, phases: phases, source: citation,
            signature: signature, registers: registers, maxGap: maxGap)
    }

    /// Two quantities sharing a register is a typo in the map, never intended.
    private static func reportOverlaps(_ registers: [QuantityRegister], in table: TableReader) {
        for function in RegisterFunction.allCases {
            let sorted = registers.filter { $0.function == function }.sorted { $0.address < $1.address }
            for (previous, next) in zip(sorted, sorted.dropFirst()) where Int(next.address) < previous.endAddress {
                table.report(next.quantity.rawValue, "overlaps \(previous.quantity.rawValue) (both use \(function) register \(next.address))")
            }
        }
    }
}

/// The `[defaults]` of a profile: what every quantity uses unless it says otherwise.
struct RegisterDefaults {
    var function: RegisterFunction?
    var dataType: RegisterDataType?
    var wordOrder: WordOrder = .big
    var byteOrder: ByteOrder = .big
    var scale: Double = 1
    var notAvailable: Set<NotAvailableMarker> = [.nan]

    init() {}

    init(reading table: TableReader) {
        function = table.choice("function", as: RegisterFunction.self)
        dataType = table.choice("type", as: RegisterDataType.self)
        wordOrder = table.choice("word_order", as: WordOrder.self) ?? .big
        byteOrder = table.choice("byte_order", as: ByteOrder.self) ?? .big
        scale = table.number("scale", in: -1e9...1e9) ?? 1
        notAvailable = NotAvailableMarkers.read("not_available", in: table) ?? [.nan]
        table.rejectUnknownKeys()
    }
}

enum NotAvailableMarkers {
    static func read(_ key: String, in table: TableReader) -> Set<NotAvailableMarker>? {
        guard let texts = table.strings(key) else { return nil }
        var markers: Set<NotAvailableMarker> = []
        for text in texts {
            guard let marker = NotAvailableMarker(rawValue: text) else {
                let allowed = NotAvailableMarker.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
                table.report(key, "lists \"\(text)\", must be among \(allowed)")
                continue
            }
            markers.insert(marker)
        }
        return markers
    }
}

/// One entry of `[quantities]`: `voltage_l1 = { address = 0x0000, unit = "V", … }`.
enum QuantityRegisterReader {
    static func read(_ key: String, in quantities: TableReader, defaults: RegisterDefaults) -> QuantityRegister? {
        guard let quantity = Quantity(rawValue: key) else {
            let known = Set(Quantity.allCases.map(\.rawValue))
            let fix = TableReader.closest(to: key, among: known).map { "did you mean \($0)?" }
                ?? "known quantities: \(Quantity.allCases.map(\.rawValue).joined(separator: ", "))"
            quantities.report(key, "is not a quantity meterd knows", fix: fix)
            return nil
        }
        guard let entry = quantities.table(key) else { return nil }
        let address = entry.integer("address", required: true, in: 0...0xFFFF)
        let unitText = entry.string("unit", required: true)
        let function = entry.choice("function", as: RegisterFunction.self) ?? defaults.function
        let dataType = entry.choice("type", as: RegisterDataType.self) ?? defaults.dataType
        let wordOrder = entry.choice("word_order", as: WordOrder.self) ?? defaults.wordOrder
        let byteOrder = entry.choice("byte_order", as: ByteOrder.self) ?? defaults.byteOrder
        let scale = entry.number("scale", in: -1e9...1e9) ?? defaults.scale
        let notAvailable = NotAvailableMarkers.read("not_available", in: entry) ?? defaults.notAvailable
        entry.rejectUnknownKeys()

        if function == nil { entry.report("function", "is missing", fix: "set function = \"input\" or \"holding\" here or in [defaults]") }
        if dataType == nil { entry.report("type", "is missing", fix: "set type = \"float32\" (or another type) here or in [defaults]") }
        var unit: MeasurementUnit?
        if let unitText {
            let allowed = MeasurementUnit.allowed(for: quantity)
            unit = MeasurementUnit(rawValue: unitText)
            if unit == nil || !allowed.contains(unit!) {
                entry.report("unit", "is \"\(unitText)\", must be \(allowed.map { "\"\($0.rawValue)\"" }.joined(separator: " or ")) for \(key)")
                unit = nil
            }
        }
        if scale == 0 { entry.report("scale", "is 0, which would make every value 0") }
        guard let address, let function, let dataType, let unit, scale != 0 else { return nil }
        guard address + dataType.registerCount <= 0x10000 else {
            entry.report("address", "a \(dataType.rawValue) at \(address) runs past register 65535")
            return nil
        }
        return QuantityRegister(
            quantity: quantity, function: function, address: UInt16(address), dataType: dataType,
            wordOrder: wordOrder, byteOrder: byteOrder, scale: scale, unit: unit, notAvailable: notAvailable)
    }
}
