import Drivers
import FoundationEssentials

/// One `[meters.NAME]` table: which bus, which unit or address, which profile or chip.
enum MeterReader {
    static func read(_ table: TableReader, buses: [String: BusConfiguration], profiles: ProfileLibrary) -> MeterConfiguration? {
        defer { table.rejectUnknownKeys() }
        let expectedSlotWh = table.number("expected_slot_wh", in: 0.001...1e12)
        if table.string("kind") == "simulated" {
            let seed = table.integer("seed", in: 0...Int.max) ?? 1
            let peak = table.number("peak_power_w", in: 1...1e9) ?? 40_000
            let start = table.number("start_energy_wh", in: 0...1e15) ?? 1_000_000
            return MeterConfiguration(
                name: table.name, source: .simulated(SimulatedMeterSettings(seed: UInt64(seed), peakPower: peak, startEnergyWh: start)),
                expectedSlotWh: expectedSlotWh)
        }
        if let kind = table.string("kind") {
            table.report("kind", "is \"\(kind)\"; only \"simulated\" may be given here", fix: "a real meter's kind follows from its bus")
            return nil
        }
        guard let busName = table.string("bus", required: true) else { return nil }
        guard let bus = buses[busName] else {
            let known = buses.keys.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
            table.report("bus", "names \"\(busName)\", which is not a [buses.\(busName)] table", fix: known.isEmpty ? "add that bus" : "known buses: \(known)")
            // Without the bus its kind is unknown: the keys of either kind are not also called unknown.
            table.leaveUnread(["unit_id", "profile", "address", "chip", "volts_per_lsb", "amps_per_lsb", "watts_per_lsb", "watthours_per_lsb",
                               "shunt_ohms", "max_current_a", "adc_range_40mv"])
            return nil
        }
        switch bus {
        case .modbus:
            let unit = table.integer("unit_id", required: true, in: 1...247)
            let profileName = table.string("profile", required: true)
            guard let unit, let profileName else { return nil }
            let profile: MeterProfile
            switch profiles.load(profileName) {
            case .success(let loaded):
                profile = loaded
            case .failure(let failure):
                table.report("profile", "names \"\(profileName)\", whose file has errors: "
                             + failure.problems.map(\.description).joined(separator: "; "))
                return nil
            case nil:
                table.report("profile", "names \"\(profileName)\", which is not a profile in \(profiles.directoriesText)",
                             fix: profiles.missingProfileHint)
                return nil
            }
            return MeterConfiguration(name: table.name, source: .modbus(bus: busName, unit: UInt8(unit), profile: profile), expectedSlotWh: expectedSlotWh)
        case .i2c:
            let address = table.integer("address", required: true, in: 0x03...0x77)
            let chip = I2CChipReader.read(table)
            guard let address, let chip else { return nil }
            if case .ade7953 = chip, address != 0x38 {
                table.report("address", "is 0x\(String(address, radix: 16)), but an ADE7953 always answers at 0x38")
                return nil
            }
            return MeterConfiguration(name: table.name, source: .i2c(bus: busName, address: UInt8(address), chip: chip), expectedSlotWh: expectedSlotWh)
        }
    }
}

extension ProfileLibrary {
    var directoriesText: String { searchedDirectories.joined(separator: ", ") }

    /// What to do about a profile name not found: the names there are, or why there are none.
    var missingProfileHint: String {
        let unreadable = unreadableDirectories.map { "\($0.directory) cannot be listed (\($0.reason))" }
        if !names.isEmpty { return (["available profiles: \(names.joined(separator: ", "))"] + unreadable).joined(separator: "; ") }
        let unlisted = Set(unreadableDirectories.map(\.directory))
        let empty = searchedDirectories.filter { FileManager.default.fileExists(atPath: $0) && !unlisted.contains($0) }
        let found = !empty.isEmpty ? ["\(empty.joined(separator: ", ")) hold no *.toml profile"] : unreadable.isEmpty ? ["none of these directories exists"] : []
        let checkout = ProfileLibrary.sourceTreeProfiles.map { "; from this source tree: profile_dirs = [\"\($0)\"]" } ?? ""
        return "\((found + unreadable).joined(separator: "; ")): install meterd's profiles (scripts/install or the Debian package)\(checkout)"
    }
}

/// The chip and calibration keys of an I2C meter.
enum I2CChipReader {
    enum Chip: String, CaseIterable { case ade7953, ina228 }

    static func read(_ table: TableReader) -> I2CChipSettings? {
        guard let chip = table.choice("chip", required: true, as: Chip.self) else { return nil }
        switch chip {
        case .ade7953:
            let volts = table.number("volts_per_lsb", required: true, in: 1e-12...1)
            let amps = table.number("amps_per_lsb", required: true, in: 1e-12...1)
            let watts = table.number("watts_per_lsb", required: true, in: 1e-12...1e3)
            let energy = table.number("watthours_per_lsb", required: true, in: 1e-12...1e3)
            guard let volts, let amps, let watts, let energy else { return nil }
            return .ade7953(voltsPerLSB: volts, ampsPerLSB: amps, wattsPerLSB: watts, watthoursPerLSB: energy)
        case .ina228:
            let shunt = table.number("shunt_ohms", required: true, in: 1e-6...1e3)
            let maxCurrent = table.number("max_current_a", required: true, in: 1e-6...1e4)
            let wide = table.boolean("adc_range_40mv") ?? false
            guard let shunt, let maxCurrent else { return nil }
            return .ina228(shuntOhms: shunt, maxCurrent: maxCurrent, wideRange: wide)
        }
    }
}
