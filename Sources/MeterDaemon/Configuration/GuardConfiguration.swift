import Drivers

/// The `[guard]` table (docs/slot-guard.md): on a site without `[chain]`, one interval for every slot;
/// on any site, the highest power it can plausibly draw (for `under-unreachable`).
struct GuardConfiguration: Sendable, Equatable {
    /// nil with `[chain]`: the interval then comes from the agreement's profile.
    var interval: SlotInterval?
    var maximumPowerWatts: Double?
    /// `power_window_seconds`: the recent power's window, when not the slot's fifteenth (RecentPower.scaled).
    var powerWindowSeconds: Double? = nil
    /// The coil output that asks the site to shed or add load (`output = "modbus-coil"`).
    var output: LoadOutputConfiguration? = nil
    /// The same on GPIO lines (`output = "gpio"`).
    var gpioOutput: GPIOLoadOutputConfiguration? = nil
}

/// `[guard] output = "gpio"`: a line (and optionally a second one) that is active while the site
/// should shed (add) load.
struct GPIOLoadOutputConfiguration: Sendable, Equatable {
    var shedLine: GPIOLineAddress
    var addLine: GPIOLineAddress?
    var timing: LoadRequestTiming
}

/// `[guard] output = "modbus-coil"` and its keys (docs/slot-guard.md, "The output").
struct LoadOutputConfiguration: Sendable, Equatable {
    enum Target: Sendable, Equatable {
        /// A configured `[buses.NAME]` (Modbus), shared with the meters on it.
        case bus(String)
        /// A Modbus TCP endpoint of the output's own.
        case tcp(host: String, port: Int)
    }

    var target: Target
    var unit: UInt8
    var shedCoil: UInt16
    var addCoil: UInt16?
    var timing: LoadRequestTiming
}

enum GuardOutputKind: String, CaseIterable {
    case none
    case modbusCoil = "modbus-coil"
    case gpio
}

enum GuardReader {
    /// The contract keeps each bound as a uint32 below its unmeasured marker.
    static let wattHours: ClosedRange<Double> = 0...4_294_967_294

    static let modbusKeys = ["output_bus", "output_host", "output_port", "output_unit_id", "shed_coil", "add_coil"]
    static let gpioKeys = ["output_chip", "shed_line", "add_line", "output_active_low"]
    static let timingKeys = ["min_on_seconds", "min_off_seconds", "release_margin_percent"]

    /// `buses`: the Modbus and I2C buses that parsed; `busNames`: every `[buses.NAME]`, parsed or not
    /// (a bus with its own problem is not reported again here).
    static func read(_ table: TableReader, hasChain: Bool, buses: [String: BusConfiguration] = [:], busNames: Set<String> = []) -> GuardConfiguration? {
        defer { table.rejectUnknownKeys() }
        let kind = table.choice("output", as: GuardOutputKind.self)
        var output: LoadOutputConfiguration?
        var gpio: GPIOLoadOutputConfiguration?
        func notFor(_ keys: [String], _ what: String) {
            table.leaveUnread(keys)
            // A bad output value is reported once, not again at each of its keys.
            guard kind != nil || !table.has("output") else { return }
            for key in keys where table.has(key) {
                table.report(key, "is set, but output is \"\(what)\"", fix: "remove \(key), or set the output it belongs to")
            }
        }
        switch kind ?? .none {
        case .none:
            notFor(modbusKeys + gpioKeys + timingKeys, "none")
        case .modbusCoil:
            notFor(gpioKeys, "modbus-coil")
            output = readOutput(table, timing: readTiming(table), buses: buses, busNames: busNames)
        case .gpio:
            notFor(modbusKeys, "gpio")
            gpio = readGPIOOutput(table, timing: readTiming(table))
        }
        let window = table.number("power_window_seconds", in: 1...3600)
        guard var configuration = readInterval(table, hasChain: hasChain) else { return nil }
        configuration.output = output
        configuration.gpioOutput = gpio
        configuration.powerWindowSeconds = window
        return configuration
    }

    static func readTiming(_ table: TableReader) -> LoadRequestTiming {
        LoadRequestTiming(minimumOnSeconds: table.number("min_on_seconds", in: 0...86_400) ?? 30,
                          minimumOffSeconds: table.number("min_off_seconds", in: 0...86_400) ?? 30,
                          releaseMarginPercent: table.number("release_margin_percent", in: 0...50) ?? 5)
    }

    /// `output_chip`, `shed_line` and `add_line` (an offset or a line name), `output_active_low`.
    static func readGPIOOutput(_ table: TableReader, timing: LoadRequestTiming) -> GPIOLoadOutputConfiguration? {
        let chip = table.string("output_chip", required: true)
        let activeLow = table.boolean("output_active_low") ?? false
        func line(_ key: String, required: Bool) -> GPIOLineAddress.Line? {
            switch table.entries[key] {
            case .string?:
                guard let name = table.string(key), !name.isEmpty else { table.report(key, "is empty", fix: "give the line's offset (23) or its name (\"GPIO23\")"); return nil }
                return .name(name)
            default:
                return table.integer(key, required: required, in: 0...1023).map { .offset(UInt32($0)) }
            }
        }
        let shed = line("shed_line", required: true)
        let add = line("add_line", required: false)
        if let chip, chip.isEmpty { table.report("output_chip", "is empty", fix: "name the chip: \"gpiochip0\", \"/dev/gpiochip0\" or its label"); return nil }
        if let shed, let add, shed == add { table.report("add_line", "is \(add), the same line as shed_line", fix: "another line, or remove add_line"); return nil }
        guard let chip, let shed else { return nil }
        return GPIOLoadOutputConfiguration(shedLine: GPIOLineAddress(chip: chip, line: shed, activeLow: activeLow),
                                           addLine: add.map { GPIOLineAddress(chip: chip, line: $0, activeLow: activeLow) }, timing: timing)
    }

    static func readOutput(_ table: TableReader, timing: LoadRequestTiming, buses: [String: BusConfiguration], busNames: Set<String>) -> LoadOutputConfiguration? {
        let busName = table.string("output_bus")
        let host = table.string("output_host")
        let port = table.integer("output_port", in: 1...65_535)
        let unit = table.integer("output_unit_id", required: true, in: 1...247)
        let shed = table.integer("shed_coil", required: true, in: 0...65_535)
        let add = table.integer("add_coil", in: 0...65_535)
        var target: LoadOutputConfiguration.Target?
        switch (busName, host) {
        case (let name?, nil):
            if table.has("output_port") {
                table.report("output_port", "is set with output_bus: the bus's own settings say where it is", fix: "remove output_port, or use output_host instead of output_bus")
            } else if case .modbus? = buses[name] {
                target = .bus(name)
            } else if buses[name] != nil {
                table.report("output_bus", "names bus \"\(name)\", which is not a Modbus bus", fix: "name a [buses.NAME] of kind modbus-tcp or modbus-rtu")
            } else if !busNames.contains(name) {
                let known = busNames.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
                table.report("output_bus", "names bus \"\(name)\", which is not configured", fix: known.isEmpty ? "add [buses.\(name)]" : "one of \(known)")
            }
        case (nil, let host?):
            if host.isEmpty { table.report("output_host", "is empty", fix: "the host name or address of the load controller") } else { target = .tcp(host: host, port: port ?? 502) }
        case (_?, _?):
            table.report("output_host", "is set beside output_bus: the coil is on one or the other", fix: "keep output_bus (a configured bus) or output_host (an endpoint of its own)")
        case (nil, nil):
            table.report("output", "is \"modbus-coil\", but says no bus", fix: "add output_bus = \"NAME\" (a configured [buses.NAME]) or output_host = \"…\" and output_port = 502")
        }
        if let shed, let add, shed == add {
            table.report("add_coil", "is \(add), the same coil as shed_coil", fix: "the add coil is another address, or remove add_coil")
            return nil
        }
        guard let target, let unit, let shed else { return nil }
        return LoadOutputConfiguration(target: target, unit: UInt8(unit), shedCoil: UInt16(shed), addCoil: add.map(UInt16.init),
                                       timing: timing)
    }

    static func readInterval(_ table: TableReader, hasChain: Bool) -> GuardConfiguration? {
        let minimum = table.number("slot_min_wh", in: wattHours)
        let maximum = table.number("slot_max_wh", in: wattHours)
        let power = table.number("max_power_w", in: 1...1e9)
        let bounds = table.has("slot_min_wh") || table.has("slot_max_wh")
        if hasChain {
            if bounds {
                table.report(table.has("slot_min_wh") ? "slot_min_wh" : "slot_max_wh",
                             "is set, but with [chain] each slot's interval comes from the agreement's profile",
                             fix: "remove slot_min_wh and slot_max_wh from [guard]")
                return nil
            }
            return GuardConfiguration(interval: nil, maximumPowerWatts: power)
        }
        if !bounds {
            table.report(nil, "sets no interval, and without [chain] there is no agreement to take it from",
                         fix: "add slot_min_wh and slot_max_wh, or remove [guard]")
            return nil
        }
        for (key, value) in [("slot_min_wh", minimum), ("slot_max_wh", maximum)] where !table.has(key) && value == nil {
            table.report(key, "is missing", fix: "set both slot_min_wh and slot_max_wh (Wh per slot)")
        }
        guard let minimum, let maximum else { return nil }
        guard minimum <= maximum else {
            table.report("slot_max_wh", "is \(maximum.plainText), below slot_min_wh \(minimum.plainText)",
                         fix: "the interval is slot_min_wh ≤ consumption ≤ slot_max_wh")
            return nil
        }
        return GuardConfiguration(interval: SlotInterval(minimumWattHours: minimum, maximumWattHours: maximum), maximumPowerWatts: power)
    }
}
